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

    /// <summary>The most characters of <see cref="DisplayName"/> and of <see cref="Provider"/>.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The most characters of <see cref="BaseUrl"/>.</summary>
    public const int MaxBaseUrlLength = 2048;

    /// <summary>Gets whether a key is set.</summary>
    public bool ApiKeySet => ApiKey is not null;

    /// <summary>Checks the rules every store applies before it writes a connection.</summary>
    /// <returns>This connection.</returns>
    /// <exception cref="ArgumentException">A name is blank or longer than <see cref="MaxNameLength"/>, or the base URL is longer than <see cref="MaxBaseUrlLength"/>.</exception>
    public ProviderConnection Validate()
    {
        CheckName(DisplayName, "display_name");
        CheckName(Provider, "provider");
        if (BaseUrl is { Length: > MaxBaseUrlLength })
        {
            throw new ArgumentException($"base_url is longer than {MaxBaseUrlLength} characters.", nameof(BaseUrl));
        }

        return this;
    }

    private static void CheckName(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength)
        {
            throw new ArgumentException($"{field} must be 1-{MaxNameLength} characters and not blank.", field);
        }
    }
}
