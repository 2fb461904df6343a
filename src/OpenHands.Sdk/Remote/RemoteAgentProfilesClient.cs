using System.Text.Json;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// The agent profiles of an agent server (<c>/api/agent-profiles</c>): <see cref="RemoteWorkspace.AgentProfiles"/>. The
/// methods are named after their local twins on <see cref="AgentProfileStore"/>; an agent profile holds no secret, so
/// nothing here ever sends or receives a key.
/// </summary>
/// <remarks>Instances are thread-safe.</remarks>
public sealed class RemoteAgentProfilesClient
{
    private readonly AgentServerClient _client;

    internal RemoteAgentProfilesClient(AgentServerClient client) => _client = client;

    /// <summary>Lists the server's agent profiles (the first list of an empty server creates <c>default</c>, as the Python server does).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profiles and the active pointer.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteAgentProfileList> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = await _client.SendAsync(RemoteRequest.Get("api/agent-profiles"), OpenHandsJson.Redacted.Contract<AgentProfileListResponse>(), cancellationToken).ConfigureAwait(false);
        return new RemoteAgentProfileList(
            [.. list.Profiles.Select(p => new RemoteAgentProfileSummary(p.Id, p.Name, p.AgentKind == "acp" ? AgentProfileKind.Acp : AgentProfileKind.OpenHands, p.Revision, p.LlmProfileRef))],
            list.ActiveAgentProfileId);
    }

    /// <summary>Loads one agent profile.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="AgentProfileNotFoundException">The server has no profile of that name.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<AgentProfile> LoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var request = RemoteRequest.Get($"api/agent-profiles/{name}") with { NotFound = NotFoundMeaning.AgentProfile };
        var detail = await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<AgentProfileDetailResponse>(), cancellationToken).ConfigureAwait(false);
        return AgentProfileCodec.Parse(JsonSerializer.SerializeToUtf8Bytes(detail.Profile, OpenHandsJsonContext.Default.JsonElement), name);
    }

    /// <summary>Saves a profile under its name: over a namesake the server keeps the id and bumps the revision.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> is <see langword="null"/>.</exception>
    /// <exception cref="AgentServerConflictException">The server holds as many profiles as it allows.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task SaveAsync(AgentProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var request = new RemoteRequest(HttpMethod.Post, $"api/agent-profiles/{profile.Name}") { Body = AgentProfileCodec.ToBytes(profile), Idempotent = true };
        return _client.SendAsync(request, cancellationToken);
    }

    /// <summary>Deletes a profile (a missing one is no error); the active pointer is cleared when it named it.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is gone.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task DeleteAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        _client.SendAsync(new RemoteRequest(HttpMethod.Delete, $"api/agent-profiles/{name}") { Idempotent = true }, cancellationToken);

    /// <summary>Renames a profile; its id and revision are kept.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is renamed.</returns>
    /// <exception cref="AgentProfileNotFoundException"><paramref name="name"/> does not exist.</exception>
    /// <exception cref="AgentServerConflictException"><paramref name="newName"/> is taken.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default)
    {
        var request = RemoteRequest.With(
            HttpMethod.Post, $"api/agent-profiles/{name}/rename", new RenameAgentProfileRequest { NewName = newName.Value }, OpenHandsJson.Redacted.Contract<RenameAgentProfileRequest>(), idempotent: false)
            with { NotFound = NotFoundMeaning.AgentProfile };
        return _client.SendAsync(request, cancellationToken);
    }

    /// <summary>Makes a profile the active one: a pointer (its id) in the server's settings; no agent settings are written.</summary>
    /// <param name="id">The profile's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the pointer is set.</returns>
    /// <exception cref="AgentProfileNotFoundException">No profile has that id.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task ActivateAsync(Guid id, CancellationToken cancellationToken = default) =>
        _client.SendAsync(RemoteRequest.Post($"api/agent-profiles/{id}/activate", idempotent: true) with { NotFound = NotFoundMeaning.AgentProfile }, cancellationToken);

    /// <summary>Checks what a launch of the profile would resolve, writing nothing (the server's <c>materialize</c> dry run).</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The diagnostics: a dangling reference is reported here, not thrown.</returns>
    /// <exception cref="AgentProfileNotFoundException">The server has no profile of that name.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteAgentProfileDiagnostics> MaterializeAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var request = RemoteRequest.Post($"api/agent-profiles/{name}/materialize", idempotent: true) with { NotFound = NotFoundMeaning.AgentProfile };
        var d = await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<AgentProfileDiagnostics>(), cancellationToken).ConfigureAwait(false);
        return new RemoteAgentProfileDiagnostics(d.Valid, d.Errors, d.LlmProfileResolved, d.LlmApiKeySet, d.DanglingMcpServerRefs);
    }
}
