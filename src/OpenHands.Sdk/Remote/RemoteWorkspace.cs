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
/// Three sub-clients, named after their local twins: <see cref="Profiles"/> (<see cref="ILlmProfileStore"/>,
/// <see cref="ProfileMaterializer"/>), <see cref="Settings"/> (<see cref="Sdk.Settings.SettingsStore"/>) and
/// <see cref="Conversations"/> (<see cref="Sdk.Conversations.ConversationFactory"/>). Requests and answers use the same
/// wire contract the server writes.
/// </para>
/// <para>
/// Unlike the Python SDK's remote workspace, this client never reads or writes an LLM through <c>/api/settings</c>:
/// <see cref="RemoteProfilesClient.LoadAsync"/> fetches a <em>profile</em>, conversations start with <c>llm_profile</c>, and
/// an API key crosses the wire only in a profile save (<see cref="RemoteProfilesClient.SaveAsync"/>, or the one save
/// <see cref="RemoteProfilesClient.MaterializeAsync(Llm, string?, CancellationToken)"/> makes for an <see cref="Llm"/> built in code).
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
        Profiles = new RemoteProfilesClient(Client, Client.LoggerFactory.CreateLogger<RemoteWorkspace>());
        Settings = new RemoteSettingsClient(Client);
        ProviderConnections = new RemoteProviderConnectionsClient(Client);
        AgentProfiles = new RemoteAgentProfilesClient(Client);
        Conversations = new RemoteConversationsClient(this);
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

    /// <summary>Gets the server's LLM profiles: list, read, save, delete, rename, activate, materialize.</summary>
    public RemoteProfilesClient Profiles { get; }

    /// <summary>Gets the server's agent profiles: list, load, save, delete, rename, activate, materialize (a dry run).</summary>
    public RemoteAgentProfilesClient AgentProfiles { get; }

    /// <summary>Gets the server's settings: read and update (no LLM; the active profile is a pointer).</summary>
    public RemoteSettingsClient Settings { get; }

    /// <summary>Gets the server's provider connections: list, create, set a key, delete (keys are never read back).</summary>
    public RemoteProviderConnectionsClient ProviderConnections { get; }

    /// <summary>Gets the server's conversations: start (by profile, or for an agent built in code) and restore (attach).</summary>
    public RemoteConversationsClient Conversations { get; }

    internal AgentServerClient Client { get; }

    /// <summary>Lists the server's LLM profiles (no secrets) and its active profile.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profiles and the active profile.</returns>
    [Obsolete("Use Profiles.ListAsync.")]
    public Task<RemoteProfileList> ListProfilesAsync(CancellationToken cancellationToken = default) => Profiles.ListAsync(cancellationToken);

    /// <summary>Reads one LLM profile without its secrets.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profile.</returns>
    [Obsolete("Use Profiles.GetAsync.")]
    public Task<RemoteProfile> GetProfileAsync(string name, CancellationToken cancellationToken = default) => Profiles.GetAsync(name, cancellationToken);

    /// <summary>Returns the <see cref="Llm"/> of a profile, API key included, for use in this process.</summary>
    /// <param name="profileName">The profile; <see langword="null"/> for the server's active profile.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The LLM.</returns>
    [Obsolete("Use Profiles.LoadAsync.")]
    public Task<Llm> GetLlmAsync(string? profileName = null, CancellationToken cancellationToken = default) => Profiles.LoadAsync(profileName, cancellationToken);

    /// <summary>Saves an LLM profile on the server, secrets included.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="llm">The configuration.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The reference.</returns>
    [Obsolete("Use Profiles.SaveAsync.")]
    public Task<ProfileReference> SaveProfileAsync(string name, Llm llm, CancellationToken cancellationToken = default) => Profiles.SaveAsync(name, llm, cancellationToken);

    /// <summary>Deletes an LLM profile; deleting a missing one succeeds.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is gone.</returns>
    [Obsolete("Use Profiles.DeleteAsync.")]
    public Task DeleteProfileAsync(string name, CancellationToken cancellationToken = default) => Profiles.DeleteAsync(name, cancellationToken);

    /// <summary>Renames an LLM profile; the server's active profile follows.</summary>
    /// <param name="name">The current name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The reference under the new name.</returns>
    [Obsolete("Use Profiles.RenameAsync.")]
    public Task<ProfileReference> RenameProfileAsync(string name, string newName, CancellationToken cancellationToken = default) =>
        Profiles.RenameAsync(name, newName, cancellationToken);

    /// <summary>Makes a profile the server's active profile.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the profile is active.</returns>
    [Obsolete("Use Profiles.ActivateAsync.")]
    public Task ActivateProfileAsync(string name, CancellationToken cancellationToken = default) => Profiles.ActivateAsync(name, cancellationToken);

    /// <summary>Makes sure the server holds <paramref name="llm"/> as a profile and returns the reference.</summary>
    /// <param name="llm">The configuration.</param>
    /// <param name="name">The profile to use, or <see langword="null"/> to let the policy choose.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The reference.</returns>
    [Obsolete("Use Profiles.MaterializeAsync.")]
    public Task<ProfileReference> MaterializeAsync(Llm llm, string? name = null, CancellationToken cancellationToken = default) =>
        Profiles.MaterializeAsync(llm, name, cancellationToken);

    /// <summary>Makes sure the server holds <paramref name="llm"/> as a profile, optionally replacing a named one.</summary>
    /// <param name="llm">The configuration.</param>
    /// <param name="options">The profile to use and whether it may be replaced.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The reference.</returns>
    [Obsolete("Use Profiles.MaterializeAsync.")]
    public Task<ProfileReference> MaterializeAsync(Llm llm, ProfileMaterializeOptions options, CancellationToken cancellationToken = default) =>
        Profiles.MaterializeAsync(llm, options, cancellationToken);

    /// <summary>Reads the server's settings.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings.</returns>
    [Obsolete("Use Settings.LoadAsync.")]
    public Task<RemoteSettings> GetSettingsAsync(CancellationToken cancellationToken = default) => Settings.LoadAsync(cancellationToken);

    /// <summary>Changes the server's settings.</summary>
    /// <param name="update">What to change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The settings after the change.</returns>
    [Obsolete("Use Settings.UpdateAsync.")]
    public Task<RemoteSettings> UpdateSettingsAsync(RemoteSettingsUpdate update, CancellationToken cancellationToken = default) =>
        Settings.UpdateAsync(update, cancellationToken);

    /// <summary>Starts a conversation on the server with an LLM profile, sending only its name.</summary>
    /// <param name="profileName">The profile; <see langword="null"/> for the server's active profile.</param>
    /// <param name="options">The conversation's options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    [Obsolete("Use Conversations.StartWithProfileAsync.")]
    public Task<RemoteConversation> StartConversationAsync(string? profileName = null, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default) =>
        Conversations.StartWithProfileAsync(profileName, options, cancellationToken);

    /// <summary>Starts a conversation for an agent built in code (its LLM is made a profile first).</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="options">The conversation's options.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The conversation.</returns>
    [Obsolete("Use Conversations.StartAsync.")]
    public Task<RemoteConversation> StartConversationAsync(Agent agent, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default) =>
        Conversations.StartAsync(agent, options, cancellationToken);

    /// <summary>Attaches to an existing conversation on the server.</summary>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    [Obsolete("Use Conversations.RestoreAsync.")]
    public Task<RemoteConversation> GetConversationAsync(Guid conversationId, CancellationToken cancellationToken = default) =>
        Conversations.RestoreAsync(conversationId, cancellationToken);

    /// <summary>Releases the <see cref="HttpClient"/> the workspace created; one passed to the constructor stays open.</summary>
    public void Dispose() => Client.Dispose();

    /// <summary>Releases the <see cref="HttpClient"/> the workspace created; one passed to the constructor stays open.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
