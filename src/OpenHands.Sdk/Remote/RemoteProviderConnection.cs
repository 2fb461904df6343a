namespace OpenHands.Sdk.Remote;

/// <summary>A provider connection as an agent server shows it: never its key, only whether one is set.</summary>
/// <param name="Id">The connection's id; LLM profiles link to it with <c>provider_connection_id</c>.</param>
/// <param name="DisplayName">The human-facing name.</param>
/// <param name="Provider">The provider (free text).</param>
/// <param name="BaseUrl">The base URL linked profiles use, or <see langword="null"/>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
/// <param name="ApiKeySet">Whether the server holds a key for it.</param>
public sealed record RemoteProviderConnection(
    string Id, string DisplayName, string Provider, string? BaseUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool ApiKeySet);
