using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// A client of an OpenHands agent server: LLM profiles, settings and conversations, all by profile reference.
/// </summary>
/// <remarks>
/// <para>
/// Unlike the Python SDK's remote workspace, this client never reads or writes an LLM through <c>/api/settings</c>:
/// <see cref="GetLlmAsync"/> fetches a <em>profile</em>, conversations start with <c>llm_profile</c>, and an API key
/// crosses the wire only in a profile save (<see cref="SaveProfileAsync"/>, or the one save
/// <see cref="MaterializeAsync(Llm, string?, CancellationToken)"/> makes for an <see cref="Llm"/> built in code).
/// </para>
/// <para>
/// Idempotent requests (reads, profile save, delete and activate, settings updates, pause, and a conversation start
/// with an explicit id) are retried on 5xx answers, connection errors and timeouts, <see cref="RemoteWorkspaceOptions.MaxAttempts"/>
/// times in all with waits of <see cref="RemoteWorkspaceOptions.RetryDelay"/> doubling. Other requests are sent once.
/// Failures are typed: <see cref="ProfileNotFoundException"/>, <see cref="ConversationNotFoundException"/>,
/// <see cref="AgentServerAuthenticationException"/>, <see cref="AgentServerConflictException"/>,
/// <see cref="AgentServerValidationException"/> and <see cref="AgentServerRequestException"/>.
/// </para>
/// <para>Instances are thread-safe. Dispose the workspace to release the <see cref="HttpClient"/> it created (one passed in is left open).</para>
/// </remarks>
public sealed class RemoteWorkspace : IDisposable, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly RemoteMaterializer _materializer;

    /// <summary>Initializes a new instance of the <see cref="RemoteWorkspace"/> class.</summary>
    /// <param name="options">Where the server is, its session key, retry and reconnect timing; copied, so later changes have no effect.</param>
    /// <param name="httpClient">
    /// The client to send requests with (for example from <c>IHttpClientFactory</c>); the caller keeps owning it. Its
    /// <see cref="HttpClient.BaseAddress"/> and default headers are not used. <see langword="null"/> creates one that the
    /// workspace owns.
    /// </param>
    /// <param name="loggerFactory">Receives log messages (routes, statuses, retries; never a key); none by default.</param>
    /// <param name="timeProvider">The clock for retry waits, timeouts and polling; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public RemoteWorkspace(RemoteWorkspaceOptions options, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, httpClient is null ? null : () => httpClient, loggerFactory, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RemoteWorkspace"/> class that takes a client per request.</summary>
    /// <param name="options">Where the server is, its session key, retry and reconnect timing; copied, so later changes have no effect.</param>
    /// <param name="httpClientSource">
    /// Called for every request and websocket connect; the clients it returns stay the caller's. With
    /// <c>IHttpClientFactory</c> pass <c>() =&gt; factory.CreateClient("openhands")</c>: each request then gets a client
    /// whose handler the factory rotates, as the factory intends. Their <see cref="HttpClient.BaseAddress"/> and default
    /// headers are not used; leave their <see cref="HttpClient.Timeout"/> infinite (this workspace applies
    /// <see cref="RemoteWorkspaceOptions.AttemptTimeout"/>). <see langword="null"/> creates one client that the workspace owns.
    /// </param>
    /// <param name="loggerFactory">Receives log messages (routes, statuses, retries; never a key); none by default.</param>
    /// <param name="timeProvider">The clock for retry waits, timeouts and polling; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public RemoteWorkspace(RemoteWorkspaceOptions options, Func<HttpClient>? httpClientSource, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        Client = new AgentServerClient(options, httpClientSource, loggerFactory, timeProvider);
        _logger = Client.LoggerFactory.CreateLogger<RemoteWorkspace>();
        _materializer = new RemoteMaterializer(this, _logger);
    }

    /// <summary>Initializes a new instance of the <see cref="RemoteWorkspace"/> class with the default retry and reconnect timing.</summary>
    /// <param name="baseAddress">The agent server's root URL, such as <c>http://127.0.0.1:8000</c>.</param>
    /// <param name="sessionApiKey">The session API key, or <see langword="null"/> for a server without keys.</param>
    /// <exception cref="ArgumentException"><paramref name="baseAddress"/> is not an absolute http or https URL.</exception>
    public RemoteWorkspace(Uri baseAddress, SecretString? sessionApiKey = null)
        : this(new RemoteWorkspaceOptions { BaseAddress = baseAddress, SessionApiKey = sessionApiKey })
    {
    }

    /// <summary>Gets the agent server's root URL (with a trailing <c>/</c>).</summary>
    public Uri BaseAddress => Client.BaseAddress;

    internal AgentServerClient Client { get; }

    /// <summary>Lists the server's LLM profiles (no secrets) and its active profile.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profiles, sorted by name, and the active profile.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProfileList> ListProfilesAsync(CancellationToken cancellationToken = default)
    {
        var json = await Client.SendAsync(RemoteRequest.Get("api/profiles"), cancellationToken).ConfigureAwait(false);
        var root = Require(json, "api/profiles");
        var profiles = new List<LlmProfileSummary>();
        if (root.TryGetProperty("profiles", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (ProfileName.TryCreate(RemoteJson.String(item, "name"), out var name))
                {
                    profiles.Add(new LlmProfileSummary(
                        name, RemoteJson.String(item, "model"), RemoteJson.String(item, "base_url"), RemoteJson.String(item, "provider_connection_id"), RemoteJson.Bool(item, "api_key_set")));
                }
            }
        }

        var active = ProfileName.TryCreate(RemoteJson.String(root, "active_profile"), out var a) ? a : (ProfileName?)null;
        return new RemoteProfileList(profiles, active);
    }

    /// <summary>Reads one LLM profile without its secrets.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profile, with every secret removed and <see cref="RemoteProfile.ApiKeySet"/> telling whether the server holds a key.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteProfile> GetProfileAsync(string name, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        return await TryGetProfileAsync(profile, cancellationToken).ConfigureAwait(false)
            ?? throw ProfileNotFoundException.FromServer($"LLM profile '{profile}' not found on the agent server at {BaseAddress}.", profile);
    }

    /// <summary>
    /// Returns the <see cref="Llm"/> of a profile, API key included, for use in this process (for example a local
    /// <see cref="Conversations.Conversation"/>). The key comes from the profile endpoint, never from <c>/api/settings</c>.
    /// </summary>
    /// <param name="profileName">The profile; <see langword="null"/> for the server's active profile.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The LLM, with <see cref="Llm.SourceProfile"/> set to the profile and <see cref="Llm.UsageId"/> <c>profile:&lt;name&gt;</c> (as the Python SDK).</returns>
    /// <remarks>The server is asked for plaintext secrets (<c>X-Expose-Secrets: plaintext</c>): the key crosses the wire towards this process.</remarks>
    /// <exception cref="InvalidProfileNameException"><paramref name="profileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile, or none was named and none is active.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<Llm> GetLlmAsync(string? profileName = null, CancellationToken cancellationToken = default)
    {
        ProfileName profile;
        if (profileName is not null)
        {
            profile = ProfileName.Create(profileName);
        }
        else
        {
            var list = await ListProfilesAsync(cancellationToken).ConfigureAwait(false);
            profile = list.ActiveProfile ?? throw ProfileNotFoundException.FromServer(
                $"No LLM profile was named and the agent server at {BaseAddress} has no active profile. "
                + (list.Profiles.Count == 0
                    ? "Save one with RemoteWorkspace.SaveProfileAsync and activate it with ActivateProfileAsync."
                    : $"Name one of: {string.Join(", ", list.Profiles.Select(p => p.Name))}, or activate one with ActivateProfileAsync."),
                null);
        }

        var request = RemoteRequest.Get($"api/profiles/{profile}") with { NotFound = NotFoundMeaning.Profile, Profile = profile, ExposeSecrets = true };
        var root = Require(await Client.SendAsync(request, cancellationToken).ConfigureAwait(false), request.Path);
        var llm = ReadLlm(root, request.Path, "config") with { SourceProfile = profile, UsageId = "profile:" + profile.Value };
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
    public async Task<ProfileReference> SaveProfileAsync(string name, Llm llm, CancellationToken cancellationToken = default)
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
    public async Task DeleteProfileAsync(string name, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        _materializer.Forget(profile);
        await Client.SendAsync(new RemoteRequest(HttpMethod.Delete, $"api/profiles/{profile}") { Idempotent = true, Profile = profile }, cancellationToken)
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
    public async Task<ProfileReference> RenameProfileAsync(string name, string newName, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        var target = ProfileName.Create(newName);
        var request = RemoteRequest.Post($"api/profiles/{profile}/rename", new JsonObject { ["new_name"] = target.Value }, idempotent: false)
            with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        _materializer.Forget(profile);
        _materializer.Forget(target);
        await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return new ProfileReference(target);
    }

    /// <summary>Makes a profile the server's active profile: a pointer in its settings (no LLM is copied there).</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is active.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task ActivateProfileAsync(string name, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(name);
        var request = RemoteRequest.Post($"api/profiles/{profile}/activate", null, idempotent: true) with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
    /// the key is vouched for: no key on either side, the content name (which no other key can claim), or this workspace
    /// having fetched or saved this very content under that name. New profiles are created with <c>If-None-Match: *</c>,
    /// so two clients never overwrite each other's profile (a server that ignores the header, such as the Python
    /// agent-server, then only loses that race guarantee).
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

    /// <summary>Reads the server's settings: no LLM, only the active profile's name and whether it holds a key.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteSettings> GetSettingsAsync(CancellationToken cancellationToken = default)
    {
        var json = await Client.SendAsync(RemoteRequest.Get("api/settings"), cancellationToken).ConfigureAwait(false);
        return ReadSettings(Require(json, "api/settings"), "api/settings");
    }

    /// <summary>Changes the server's settings with merge patches and/or the active-profile pointer. An LLM is never sent.</summary>
    /// <param name="update">What to change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings after the change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="update"/> changes nothing, or its agent-settings diff holds an <c>llm</c>; nothing was sent.</exception>
    /// <exception cref="InvalidProfileNameException"><see cref="RemoteSettingsUpdate.ActiveProfile"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The profile to activate does not exist on the server; nothing changed.</exception>
    /// <exception cref="AgentServerValidationException">The server found the resulting settings invalid; nothing changed.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteSettings> UpdateSettingsAsync(RemoteSettingsUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.AgentSettingsDiff?.ContainsKey("llm") == true)
        {
            throw new ArgumentException(
                "Settings hold no LLM: save it with RemoteWorkspace.SaveProfileAsync and set RemoteSettingsUpdate.ActiveProfile to the profile's name.",
                nameof(update));
        }

        var body = new JsonObject();
        AddDiff(body, "agent_settings_diff", update.AgentSettingsDiff);
        AddDiff(body, "conversation_settings_diff", update.ConversationSettingsDiff);
        AddDiff(body, "misc_settings_diff", update.MiscSettingsDiff);
        ProfileName? active = null;
        if (update.ActiveProfile is not null)
        {
            active = ProfileName.Create(update.ActiveProfile);
            body["active_profile"] = active.Value.Value;
        }
        else if (update.ClearActiveProfile)
        {
            body["active_profile"] = null;
        }

        if (body.Count == 0)
        {
            throw new ArgumentException("The settings update changes nothing: set a diff, ActiveProfile or ClearActiveProfile.", nameof(update));
        }

        var request = new RemoteRequest(HttpMethod.Patch, "api/settings") { Body = body, Idempotent = true, NotFound = NotFoundMeaning.Profile, Profile = active };
        return ReadSettings(Require(await Client.SendAsync(request, cancellationToken).ConfigureAwait(false), request.Path), request.Path);
    }

    /// <summary>Starts a conversation on the server with an LLM profile, sending only its name.</summary>
    /// <param name="profileName">The profile; <see langword="null"/> for the server's active profile.</param>
    /// <param name="options">The conversation's id, tools, limits and first message; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="profileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerValidationException">No profile was named and the server has no active one, or the options are invalid.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task<RemoteConversation> StartConversationAsync(string? profileName = null, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default) =>
        RemoteConversation.StartAsync(this, profileName, options, cancellationToken);

    /// <summary>
    /// Starts a conversation for an agent built in code: its LLM is first made a profile on the server
    /// (<see cref="MaterializeAsync(Llm, string?, CancellationToken)"/>, at most one save carrying the key), then the conversation starts by reference.
    /// </summary>
    /// <param name="agent">The agent; its LLM and tools are used.</param>
    /// <param name="options">The conversation's id, further tools, limits, first message and profile name; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> is <see langword="null"/>.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public Task<RemoteConversation> StartConversationAsync(Agent agent, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default) =>
        RemoteConversation.StartAsync(this, agent, options, cancellationToken);

    /// <summary>Attaches to an existing conversation on the server.</summary>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task<RemoteConversation> GetConversationAsync(Guid conversationId, CancellationToken cancellationToken = default) =>
        RemoteConversation.AttachAsync(this, conversationId, cancellationToken);

    /// <summary>Releases the <see cref="HttpClient"/> the workspace created; one passed to the constructor stays open.</summary>
    public void Dispose() => Client.Dispose();

    /// <summary>Releases the <see cref="HttpClient"/> the workspace created; one passed to the constructor stays open.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal static JsonElement Require(JsonElement? json, string path) =>
        json is { ValueKind: JsonValueKind.Object } root ? root : throw new AgentServerRequestException($"The agent server answered {path} without a JSON object.");

    internal static Llm ReadLlm(JsonElement root, string path, string field)
    {
        if (!root.TryGetProperty(field, out var config) || config.ValueKind != JsonValueKind.Object)
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} has no '{field}' object.");
        }

        try
        {
            return Llms.Internal.LlmJsonCodec.Read(config, cipher: null, isProfileFile: false, (f, _) => new AgentServerRequestException(
                $"The agent server's answer to {path} holds an encrypted '{f}' instead of a plaintext or redacted one; it cannot be used here."));
        }
        catch (Llms.Internal.LlmFormatException e)
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} holds an invalid LLM: {e.Message}", e);
        }
    }

    internal async Task<RemoteProfile?> TryGetProfileAsync(ProfileName profile, CancellationToken cancellationToken)
    {
        var request = RemoteRequest.Get($"api/profiles/{profile}") with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        JsonElement root;
        try
        {
            root = Require(await Client.SendAsync(request, cancellationToken).ConfigureAwait(false), request.Path);
        }
        catch (ProfileNotFoundException)
        {
            return null;
        }

        var llm = WithoutSecrets(ReadLlm(root, request.Path, "config")) with { SourceProfile = profile };
        return new RemoteProfile(profile, llm, RemoteJson.Bool(root, "api_key_set"));
    }

    /// <summary>Saves a profile, secrets included; with <paramref name="createOnly"/> the server refuses (412) to overwrite one.</summary>
    internal async Task SaveCoreAsync(ProfileName profile, Llm llm, bool createOnly, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["llm"] = RemoteJson.LlmNode(llm, SecretExposure.Plaintext), ["include_secrets"] = true };
        var request = RemoteRequest.Post($"api/profiles/{profile}", body, idempotent: true) with
        {
            Profile = profile,
            Secrets = [llm.ApiKey, llm.AwsAccessKeyId, llm.AwsSecretAccessKey, llm.AwsSessionToken],
            CreateOnly = createOnly,
        };
        await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        _materializer.Remember(profile, llm);
        _logger.ProfileSaved(profile.Value, llm.ApiKey is not null);
    }

    internal static bool HasSecrets(Llm llm) => llm.ApiKey is not null || llm.AwsAccessKeyId is not null || llm.AwsSecretAccessKey is not null || llm.AwsSessionToken is not null;

    internal static Llm WithoutSecrets(Llm llm) =>
        HasSecrets(llm) ? llm with { ApiKey = null, AwsAccessKeyId = null, AwsSecretAccessKey = null, AwsSessionToken = null } : llm;

    private static void AddDiff(JsonObject body, string field, JsonObject? diff)
    {
        if (diff is not null)
        {
            body[field] = diff.DeepClone();
        }
    }

    private static RemoteSettings ReadSettings(JsonElement root, string path)
    {
        var node = JsonNode.Parse(root.GetRawText())!.AsObject();
        var keySet = node["llm_api_key_is_set"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        node.Remove("llm_api_key_is_set");
        if (node["agent_settings"] is JsonObject agent)
        {
            agent.Remove("llm");   // a Python server's redacted copy; settings here never carry an LLM
        }

        try
        {
            return new RemoteSettings(Settings.Internal.SettingsCodec.Read(node).Settings, keySet);
        }
        catch (Llms.Internal.LlmFormatException e)
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} holds invalid settings: {e.Message}", e);
        }
    }
}
