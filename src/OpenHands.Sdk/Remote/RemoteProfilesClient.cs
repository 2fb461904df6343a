using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// The LLM profiles of an agent server (<c>/api/profiles</c>): <see cref="RemoteWorkspace.Profiles"/>. The methods are named
/// after their local twins on <see cref="ILlmProfileStore"/> and <see cref="ProfileMaterializer"/>.
/// </summary>
/// <remarks>
/// An API key crosses the wire only in <see cref="SaveAsync"/>, in the one create-only save <see cref="MaterializeAsync(Llm, string?, CancellationToken)"/>
/// makes for an <see cref="Llm"/> built in code, and towards this process in <see cref="LoadAsync"/>. Instances are thread-safe.
/// </remarks>
public sealed partial class RemoteProfilesClient
{
    private readonly AgentServerClient _client;
    private readonly ILogger _logger;
    private readonly RemoteMaterializer _materializer;

    internal RemoteProfilesClient(AgentServerClient client, ILogger logger)
    {
        _client = client;
        _logger = logger;
        _materializer = new RemoteMaterializer(this, client.BaseAddress, logger);
    }

    /// <summary>Lists the server's LLM profiles (no secrets) and its active profile.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profiles, sorted by name, and the active profile.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProfileList> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = await _client.SendAsync(RemoteRequest.Get("api/profiles"), OpenHandsJson.Redacted.Contract<ProfileListResponse>(), cancellationToken).ConfigureAwait(false);
        var profiles = new List<LlmProfileSummary>(list.Profiles.Count);
        foreach (var item in list.Profiles)
        {
            if (ProfileName.TryCreate(item.Name, out var name))
            {
                profiles.Add(new LlmProfileSummary(name, item.Model, item.BaseUrl, item.ProviderConnectionId, item.ApiKeySet));
            }
        }

        return new RemoteProfileList(profiles, ProfileName.TryCreate(list.ActiveProfile, out var active) ? active : null);
    }

    /// <summary>Reads one LLM profile without its secrets.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profile, with every secret removed and <see cref="RemoteProfile.ApiKeySet"/> telling whether the server holds a key.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProfile> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        return await TryGetAsync(profile, cancellationToken).ConfigureAwait(false)
            ?? throw ProfileNotFoundException.FromServer($"LLM profile '{profile}' not found on the agent server at {_client.BaseAddress}.", profile);
    }

    /// <summary>
    /// Returns the <see cref="Llm"/> of a profile, API key included, for use in this process (for example a local
    /// <see cref="Conversations.Conversation"/>). The key comes from the profile endpoint, never from <c>/api/settings</c>.
    /// </summary>
    /// <param name="name">The profile; <see langword="null"/> for the server's active profile.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The LLM, with <see cref="Llm.SourceProfile"/> set to the profile and <see cref="Llm.UsageId"/> <c>profile:&lt;name&gt;</c> (as the Python SDK).</returns>
    /// <remarks>The server is asked for plaintext secrets (<c>X-Expose-Secrets: plaintext</c>): the key crosses the wire towards this process.</remarks>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile, or none was named and none is active.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<Llm> LoadAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        ProfileName profile;
        if (name is not null)
        {
            profile = ProfileName.Create(name);
        }
        else
        {
            var list = await ListAsync(cancellationToken).ConfigureAwait(false);
            profile = list.ActiveProfile ?? throw ProfileNotFoundException.FromServer(
                $"No LLM profile was named and the agent server at {_client.BaseAddress} has no active profile. "
                + (list.Profiles.Count == 0
                    ? "Save one with RemoteWorkspace.Profiles.SaveAsync and activate it with Profiles.ActivateAsync."
                    : $"Name one of: {string.Join(", ", list.Profiles.Select(p => p.Name))}, or activate one with Profiles.ActivateAsync."),
                null);
        }

        var request = RemoteRequest.Get($"api/profiles/{profile}") with { NotFound = NotFoundMeaning.Profile, Profile = profile, ExposeSecrets = true };
        var detail = await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<ProfileDetailResponse>(), cancellationToken).ConfigureAwait(false);
        var llm = ReadLlm(detail.Config, request.Path) with { SourceProfile = profile, UsageId = "profile:" + profile.Value };
        _materializer.Remember(profile, llm);
        _logger.LlmFetched(profile.Value);
        return llm;
    }

    /// <summary>Saves an LLM profile on the server, secrets included (create or overwrite). This is the request that carries an API key.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="llm">The configuration.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The reference to start conversations with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="AgentServerConflictException">Creating it would pass the server's profile limit.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<ProfileReference> SaveAsync(string name, Llm llm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var profile = ProfileName.Create(name);
        await SaveCoreAsync(profile, llm, createOnly: false, cancellationToken).ConfigureAwait(false);
        return new ProfileReference(profile);
    }

    /// <summary>Deletes an LLM profile; deleting a missing one succeeds. The server clears its active profile when it was this one.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is gone.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        _materializer.Forget(profile);
        await _client.SendAsync(new RemoteRequest(HttpMethod.Delete, $"api/profiles/{profile}") { Idempotent = true, Profile = profile }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Renames an LLM profile; the server's active profile follows. Sent once (a repeat would find the old name gone).</summary>
    /// <param name="name">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The reference under the new name.</returns>
    /// <exception cref="InvalidProfileNameException">A name is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no profile <paramref name="name"/>.</exception>
    /// <exception cref="AgentServerConflictException">A profile <paramref name="newName"/> already exists.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<ProfileReference> RenameAsync(string name, string newName, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        var target = ProfileName.Create(newName);
        var body = new RenameProfileRequest { NewName = target.Value };
        var request = RemoteRequest.With(HttpMethod.Post, $"api/profiles/{profile}/rename", body, OpenHandsJson.Redacted.Contract<RenameProfileRequest>(), idempotent: false)
            with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        _materializer.Forget(profile);
        _materializer.Forget(target);
        await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return new ProfileReference(target);
    }

    /// <summary>Makes a profile the server's active profile: a pointer in its settings (no LLM is copied there).</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is active.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task ActivateAsync(string name, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        var request = RemoteRequest.Post($"api/profiles/{profile}/activate", idempotent: true) with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes sure the server holds <paramref name="llm"/> as a profile and returns the reference, under the materialization
    /// policy of <see cref="ProfileMaterializer"/>: a provably equal profile is reused and nothing is sent; a differing one is
    /// never overwritten; the key crosses the wire at most once, in one create-only save.
    /// </summary>
    /// <param name="llm">The configuration, typically built in code.</param>
    /// <param name="name">
    /// The profile to use; <see langword="null"/> lets the policy choose: the profile <paramref name="llm"/> came from when
    /// it provably still holds it, else, for an LLM without secrets, <c>Default</c> when free or equal, else (always, for an
    /// LLM with a key) its content name <c>Default-</c> and 12 hex digits of a SHA-256 of the whole content, key included.
    /// </param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The reference to start conversations with.</returns>
    /// <remarks>
    /// The server never shows keys, so equality is only taken as proven when the secret-free configuration is equal and
    /// the key is vouched for: no secret on either side (<see cref="SecretFields"/>: the secret fields and credential
    /// headers), the content name (which no other key can claim), or this client having fetched or saved this very content
    /// under that name. New profiles are created with <c>If-None-Match: *</c>, so two clients never overwrite each other's
    /// profile (a server that ignores the header, such as the Python agent-server, then only loses that race guarantee).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileAlreadyExistsException">The named profile holds a different (or an uncomparable) configuration; it was left as it is.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public Task<ProfileReference> MaterializeAsync(Llm llm, string? name = null, CancellationToken cancellationToken = default) =>
        _materializer.MaterializeAsync(llm, new ProfileMaterializeOptions { Name = name }, cancellationToken);

    /// <summary>Makes sure the server holds <paramref name="llm"/> as a profile, optionally replacing a named one.</summary>
    /// <param name="llm">The configuration, typically built in code.</param>
    /// <param name="options">The profile to use and whether it may be replaced (see <see cref="MaterializeAsync(Llm, string?, CancellationToken)"/>).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The reference to start conversations with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="ProfileMaterializeOptions.ReplaceExisting"/> is set without a name.</exception>
    /// <exception cref="InvalidProfileNameException">The name is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileAlreadyExistsException">The named profile holds a different configuration and replacing was not asked for.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public Task<ProfileReference> MaterializeAsync(Llm llm, ProfileMaterializeOptions options, CancellationToken cancellationToken = default) =>
        _materializer.MaterializeAsync(llm, options, cancellationToken);

    internal async Task<RemoteProfile?> TryGetAsync(ProfileName profile, CancellationToken cancellationToken)
    {
        var request = RemoteRequest.Get($"api/profiles/{profile}") with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        ProfileDetailResponse detail;
        try
        {
            detail = await _client.SendAsync(request, OpenHandsJson.Redacted.Contract<ProfileDetailResponse>(), cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileNotFoundException)
        {
            return null;
        }

        return new RemoteProfile(profile, SecretFields.Without(ReadLlm(detail.Config, request.Path)) with { SourceProfile = profile }, detail.ApiKeySet);
    }

    /// <summary>Saves a profile, secrets included; with <paramref name="createOnly"/> the server refuses (412) to overwrite one.</summary>
    internal async Task SaveCoreAsync(ProfileName profile, Llm llm, bool createOnly, CancellationToken cancellationToken)
    {
        var body = new SaveProfileRequest { Llm = LlmJsonCodec.WriteView(llm, isProfileFile: false, includeUsageId: true), IncludeSecrets = true };
        var contract = OpenHandsJson.For(SecretExposure.Plaintext, null, indented: false).Contract<SaveProfileRequest>();
        var request = RemoteRequest.With(HttpMethod.Post, $"api/profiles/{profile}", body, contract, idempotent: true) with
        {
            Profile = profile,
            Secrets = [.. SecretFields.ValuesOf(llm).Select(s => SecretString.FromNullable(s.Value))],
            CreateOnly = createOnly,
        };
        await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        _materializer.Remember(profile, llm);
        _logger.ProfileSaved(profile.Value, llm.ApiKey is not null);
    }

    internal static Llm ReadLlm(Serialization.Documents.LlmDocument? config, string path)
    {
        try
        {
            return LlmJsonCodec.Read(config ?? throw new LlmFormatException("the answer has no 'config' object"), cipher: null, (f, _) => new AgentServerRequestException(
                $"The agent server's answer to {path} holds an encrypted '{f}' instead of a plaintext or redacted one; it cannot be used here."));
        }
        catch (LlmFormatException e)
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} holds an invalid LLM: {e.Message}", e);
        }
    }
}
