namespace OpenHands.AgentServer;

/// <summary>Options of the agent server endpoints registered by <c>AddOpenHandsAgentServer</c>.</summary>
/// <remarks>
/// The host binds them from the <c>AgentServer</c> configuration section (appsettings, <c>AgentServer__MaxProfiles</c>
/// style environment variables, the command line) and then applies the environment variables the Python agent-server
/// uses, which win: <c>OH_PERSISTENCE_DIR</c>, <c>OH_CONVERSATIONS_PATH</c>, <c>OH_WORKSPACE_PATH</c>,
/// <c>OH_BASH_EVENTS_DIR</c>, <c>OH_SECRET_KEY</c>, <c>SESSION_API_KEY</c>
/// and <c>OH_SESSION_API_KEYS_0</c>, <c>OH_SESSION_API_KEYS_1</c>, …. A configure action passed to
/// <c>AddOpenHandsAgentServer</c> runs last. The options are validated when the host starts: an unknown setting in the
/// section, a value of the wrong type or out of range stops the start with one message that names every bad setting
/// and how to fix it.
/// </remarks>
public sealed class AgentServerOptions
{
    /// <summary>Gets the accepted <c>X-Session-API-Key</c> values.</summary>
    /// <value>The default is empty: every <c>/api</c> route is open (as in the Python agent-server).</value>
    public IList<string> SessionApiKeys { get; } = [];

    /// <summary>Gets or sets the key that encrypts secrets at rest and in <c>X-Expose-Secrets: encrypted</c> responses.</summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_SECRET_KEY</c>, else the first session API key (<c>SESSION_API_KEY</c>,
    /// else <c>OH_SESSION_API_KEYS_0</c>, else the first of <see cref="SessionApiKeys"/>: the Python agent-server's fallback,
    /// which the CLI shares, so their files stay readable), else no cipher: secrets are stored in plaintext and one warning is logged.
    /// </value>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Gets or sets the PostgreSQL database that holds LLM profiles and provider connections, shared by every instance
    /// pointed at it: a <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_DATABASE_URL</c>, else <c>ConnectionStrings:OpenHands</c>, else none
    /// (the profile and connection files under the persistence folder). Settings, agent profiles and conversations stay
    /// in files either way (docs/scale-out.md).
    /// </value>
    public string? DatabaseUrl { get; set; }

    /// <summary>
    /// Gets or sets the key secrets were encrypted with before <see cref="SecretKey"/>: read after the current key, never
    /// written with, so the server rolls to a new key without downtime (run <c>openhands keys rotate</c> to finish).
    /// </summary>
    /// <value>The default is <see langword="null"/>: <c>OH_SECRET_KEY_PREVIOUS</c>, else none.</value>
    public string? PreviousSecretKey { get; set; }

    /// <summary>
    /// Gets or sets the persistence folder: <c>settings.json</c>, <c>profiles/</c>, and by default <c>conversations/</c>
    /// and <c>workspaces/</c> (the folder of each conversation started without a workspace).
    /// </summary>
    /// <value>The default is <see langword="null"/>: <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>. A relative path is relative to the current folder.</value>
    public string? PersistenceDirectory { get; set; }

    /// <summary>Gets or sets the folder holding one sub-folder per conversation.</summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_CONVERSATIONS_PATH</c>, else <c>conversations</c> in the persistence
    /// folder (never a folder relative to wherever the server happens to run).
    /// </value>
    public string? ConversationsPath { get; set; }

    /// <summary>
    /// Gets or sets the workspace root: the only folder the <c>/api/bash</c>, <c>/api/file</c> and <c>/api/git</c> routes
    /// read, write and run commands in. Every path a client sends is resolved against it and refused (4xx) when it
    /// leaves it.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_WORKSPACE_PATH</c>, else <c>workspace</c> in the persistence folder
    /// (never the server's own folder).
    /// </value>
    public string? WorkspacePath { get; set; }

    /// <summary>Gets or sets the folder that keeps the events of <c>/api/bash</c> commands (one JSON file per event).</summary>
    /// <value>The default is <see langword="null"/>: <c>OH_BASH_EVENTS_DIR</c>, else <c>bash_events</c> in the persistence folder.</value>
    public string? BashEventsPath { get; set; }

    /// <summary>Gets or sets the most output a <c>/api/bash</c> command keeps per stream, in characters.</summary>
    /// <value>The default is 1 Mi characters, as the Python agent-server's output chunk; beyond it the middle is left out, with a marker.</value>
    public int MaxCommandOutputChars { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the longest timeout a <c>/api/bash</c> command may ask for.</summary>
    /// <value>The default is 1 hour; a command's own timeout defaults to 300 seconds, as in the Python agent-server.</value>
    public TimeSpan MaxCommandTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the largest file <c>POST /api/file/upload</c> accepts, in bytes.</summary>
    /// <value>The default is 100 MiB.</value>
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Gets or sets the largest accepted request body, in bytes.</summary>
    /// <value>The default is 1 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many LLM profiles the server lets clients create.</summary>
    /// <value>The default is 50, as in the Python agent-server.</value>
    public int MaxProfiles { get; set; } = 50;

    /// <summary>Gets or sets how many agent profiles the server lets clients create.</summary>
    /// <value>The default is 50, as in the Python agent-server.</value>
    public int MaxAgentProfiles { get; set; } = 50;

    /// <summary>
    /// Gets or sets how long a conversation's lease lasts unrenewed when several instances share a database
    /// (<see cref="DatabaseUrl"/>): the instance that runs a conversation renews its lease every third of this time,
    /// and when it dies another instance takes the run over within about this time. Without a database it is unused.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ConversationLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the address other instances send a conversation's requests to while this instance runs it (a
    /// message, a pause or a switch sent to another instance is carried out here), such as <c>http://10.0.0.5:8000</c>.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_INSTANCE_URL</c>, else the first address the server listens on, with
    /// a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) replaced by this machine's name. Without a database it is unused.
    /// </value>
    public string? InstanceUrl { get; set; }

    /// <summary>Gets or sets how long a profile validation ping may take.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ValidateTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a websocket client has to send its <c>{"type":"auth"}</c> frame when it gave no key on connect.</summary>
    /// <value>The default is 10 seconds, as in the Python agent-server; then the socket is closed with code 4001.</value>
    public TimeSpan SocketAuthTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many websockets may follow one conversation at a time.</summary>
    /// <value>The default is 50, as in the Python agent-server; one more is closed with code 1013 (try again later).</value>
    public int MaxSocketSubscribers { get; set; } = 50;

    /// <summary>
    /// Gets or sets whether the server does the one-time work of its first requests while it starts, before it reports
    /// started: the JSON contracts and codecs run once on samples in memory, and the server asks itself two file-free
    /// routes (<c>/alive</c>, <c>/api/tools/</c>) over loopback, without a key. It never touches the user's files and never
    /// fails the start.
    /// </summary>
    /// <value>The default is <see langword="true"/>; <see langword="false"/> leaves that work to the first requests.</value>
    public bool WarmUpAtStart { get; set; } = true;

    /// <summary>Gets what went wrong while binding the configuration section (reported by the validator, with every other problem).</summary>
    internal List<string> ConfigurationErrors { get; } = [];
}
