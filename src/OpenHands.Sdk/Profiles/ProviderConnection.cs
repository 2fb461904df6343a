using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// A shared credential: one API key and base URL that many LLM profiles use through
/// <see cref="Llms.Llm.ProviderConnectionId"/>, read each time a linked profile is resolved (so a new key applies to the
/// next conversation start without editing any profile).
/// </summary>
/// <param name="Id">The stable id (the server makes 32 lower-case hex digits); profiles refer to it.</param>
/// <param name="DisplayName">The human-facing name, 1-128 characters.</param>
/// <param name="Provider">Free text naming the provider (for example <c>anthropic</c>), 1-128 characters; <c>custom</c> by default.</param>
/// <param name="ApiKey">The key, or <see langword="null"/> when none is set.</param>
/// <param name="BaseUrl">The base URL every linked profile uses (authoritative, including <see langword="null"/>).</param>
/// <param name="CreatedAt">When the connection was created (whole seconds).</param>
/// <param name="UpdatedAt">When the connection was last changed (whole seconds).</param>
public sealed record ProviderConnection(
    string Id, string DisplayName, string Provider, SecretString? ApiKey, string? BaseUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The provider of a connection created without one.</summary>
    public const string DefaultProvider = "custom";

    /// <summary>Gets whether a key is set.</summary>
    public bool ApiKeySet => ApiKey is not null;
}
