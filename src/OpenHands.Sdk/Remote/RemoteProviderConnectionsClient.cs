using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// The provider connections of an agent server (<c>/api/llm/provider-connections</c>):
/// <see cref="RemoteWorkspace.ProviderConnections"/>, named after their local twins on <see cref="IProviderConnectionStore"/>.
/// </summary>
/// <remarks>A key crosses the wire only towards the server (<see cref="CreateAsync"/>, <see cref="SetKeyAsync"/>), never back. Instances are thread-safe.</remarks>
public sealed class RemoteProviderConnectionsClient
{
    private const string Route = "api/llm/provider-connections";
    private readonly AgentServerClient _client;

    internal RemoteProviderConnectionsClient(AgentServerClient client) => _client = client;

    /// <summary>Lists the server's connections in stored order.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The connections, without keys.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<IReadOnlyList<RemoteProviderConnection>> ListAsync(CancellationToken cancellationToken = default)
    {
        var items = await _client.SendAsync(RemoteRequest.Get(Route), OpenHandsJson.Redacted.Contract<List<ProviderConnectionResponse?>>(), cancellationToken)
            .ConfigureAwait(false);
        return [.. items.OfType<ProviderConnectionResponse>().Select(ToRemote)];
    }

    /// <summary>Creates a connection on the server.</summary>
    /// <param name="displayName">The human-facing name, 1-128 characters.</param>
    /// <param name="apiKey">The key.</param>
    /// <param name="provider">The provider (free text); <see cref="ProviderConnection.DefaultProvider"/> by default.</param>
    /// <param name="baseUrl">The base URL linked profiles use, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The created connection (the server chose its id).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="displayName"/> or <paramref name="apiKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="AgentServerValidationException">The server refused a field.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProviderConnection> CreateAsync(
        string displayName, SecretString apiKey, string? provider = null, string? baseUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(apiKey);
        var body = new CreateProviderConnectionRequest { DisplayName = displayName, Provider = provider, ApiKey = apiKey.Reveal(), BaseUrl = baseUrl };
        var request = RemoteRequest.With(HttpMethod.Post, Route, body, OpenHandsJson.Redacted.Contract<CreateProviderConnectionRequest>(), idempotent: false)
            with { Secrets = [apiKey] };
        return ToRemote(await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<ProviderConnectionResponse>(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Replaces a connection's key; every linked profile uses it from its next resolve (the next conversation start).</summary>
    /// <param name="id">The connection's id.</param>
    /// <param name="apiKey">The new key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="apiKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="AgentServerException">The server has no such connection (404), refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProviderConnection> SetKeyAsync(string id, SecretString apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(apiKey);
        var body = new UpdateProviderConnectionRequest { ApiKey = apiKey.Reveal() };
        var request = RemoteRequest.With(HttpMethod.Patch, $"{Route}/{Uri.EscapeDataString(id)}", body, OpenHandsJson.Redacted.Contract<UpdateProviderConnectionRequest>(), idempotent: true)
            with { Secrets = [apiKey] };
        return ToRemote(await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<ProviderConnectionResponse>(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Deletes a connection no LLM profile links to.</summary>
    /// <param name="id">The connection's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The deleted connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    /// <exception cref="AgentServerConflictException">Profiles link to it (the message names them); nothing changed.</exception>
    /// <exception cref="AgentServerException">The server has no such connection (404), refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProviderConnection> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var request = new RemoteRequest(HttpMethod.Delete, $"{Route}/{Uri.EscapeDataString(id)}") { Idempotent = false };
        return ToRemote(await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<ProviderConnectionResponse>(), cancellationToken).ConfigureAwait(false));
    }

    private static RemoteProviderConnection ToRemote(ProviderConnectionResponse r) => new(
        r.Id, r.DisplayName, r.Provider, r.BaseUrl, DateTimeOffset.FromUnixTimeSeconds(r.CreatedAt), DateTimeOffset.FromUnixTimeSeconds(r.UpdatedAt), r.ApiKeySet);
}
