namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Everything a store holds, as stored: LLM profile, settings and agent profile documents as their text, provider
/// connections with their keys as stored (Fernet tokens stay tokens), and conversations (<see cref="Conversations"/>).
/// What <c>openhands store copy</c> moves between a folder and a database without decrypting anything.
/// </summary>
/// <param name="LlmProfiles">LLM profile documents by name (the bytes of <c>profiles/&lt;name&gt;.json</c>, as text).</param>
/// <param name="ProviderConnections">Provider connections in stored order.</param>
/// <param name="Settings">The settings document (<c>settings.json</c>), or <see langword="null"/> when none is stored.</param>
/// <param name="AgentProfiles">Agent profile documents by name (<c>agent-profiles/&lt;name&gt;.json</c>).</param>
public sealed record StoreDocuments(
    IReadOnlyDictionary<string, string> LlmProfiles,
    IReadOnlyList<StoredProviderConnection> ProviderConnections,
    string? Settings,
    IReadOnlyDictionary<string, string> AgentProfiles)
{
    /// <summary>Gets the conversations, each with its state, metadata and events as stored (none unless read).</summary>
    public IReadOnlyList<ConversationDocuments> Conversations { get; init; } = [];

    /// <summary>Gets whether nothing is stored.</summary>
    public bool IsEmpty =>
        LlmProfiles.Count == 0 && ProviderConnections.Count == 0 && Settings is null && AgentProfiles.Count == 0 && Conversations.Count == 0;
}

/// <summary>One provider connection as stored: the key exactly as kept at rest (a Fernet token with a cipher, else plaintext).</summary>
/// <param name="Id">The id.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Provider">The provider.</param>
/// <param name="ApiKey">The stored key (token or plaintext), or <see langword="null"/>.</param>
/// <param name="BaseUrl">The base URL, or <see langword="null"/>.</param>
/// <param name="CreatedAt">Creation time as stored (Unix seconds).</param>
/// <param name="UpdatedAt">Last update time as stored (Unix seconds).</param>
public sealed record StoredProviderConnection(string Id, string DisplayName, string Provider, string? ApiKey, string? BaseUrl, long CreatedAt, long UpdatedAt);
