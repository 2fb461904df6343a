namespace OpenHands.Sdk.DependencyInjection;

/// <summary>Options of the services registered by <c>AddOpenHands</c>. Validated when the host starts.</summary>
public sealed class OpenHandsOptions
{
    /// <summary>Gets or sets the folder for <c>settings.json</c> and, unless <see cref="ProfilesDirectory"/> is set, <c>profiles/</c>.</summary>
    /// <value>The default is <see langword="null"/>: <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>.</value>
    public string? PersistenceDirectory { get; set; }

    /// <summary>Gets or sets the profiles folder.</summary>
    /// <value>The default is <see langword="null"/>: <c>OH_LLM_PROFILES_PATH</c>, else <c>&lt;persistence folder&gt;/profiles</c>.</value>
    public string? ProfilesDirectory { get; set; }

    /// <summary>Gets or sets the folder under which the registered <see cref="Conversations.ConversationFactory"/> persists conversations.</summary>
    /// <value>The default is <see langword="null"/>: conversations live in memory (the Python SDK's default, too).</value>
    public string? ConversationsDirectory { get; set; }

    /// <summary>Gets or sets the key that encrypts secrets at rest (Fernet, compatible with the Python SDK).</summary>
    /// <value>
    /// The default is <see langword="null"/>: the <c>OH_SECRET_KEY</c> environment variable, else the agent server's session
    /// key (<c>SESSION_API_KEY</c>, else <c>OH_SESSION_API_KEYS_0</c>), the rule of the Python agent-server that the CLI and
    /// this SDK's server share. With none of them, secrets are stored in plaintext (files are still mode 0600 on Unix) and
    /// the profile store logs one warning.
    /// </value>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Gets or sets whether a <see langword="null"/> <see cref="SecretKey"/> falls back to the process environment
    /// (<c>OH_SECRET_KEY</c>, then the session keys; see <see cref="Security.SecretKeySource"/>).
    /// </summary>
    /// <value>
    /// The default is <see langword="true"/>. A host that resolves the key from an environment of its own (a command's, a
    /// server's configuration) sets <see cref="SecretKey"/> and <see langword="false"/> here, so that no key is read behind
    /// its back and a <see langword="null"/> key really means plaintext.
    /// </value>
    public bool SecretKeyFromEnvironment { get; set; } = true;

    /// <summary>
    /// Gets or sets the key secrets were encrypted with before <see cref="SecretKey"/>: tried after the current key when
    /// reading, never written with, so a host rolls to a new key without downtime.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_SECRET_KEY_PREVIOUS</c> when <see cref="SecretKeyFromEnvironment"/>
    /// is <see langword="true"/>, else none.
    /// </value>
    public string? PreviousSecretKey { get; set; }

    /// <summary>Gets or sets how long a write waits for a store lock.</summary>
    /// <value>The default is 30 seconds. Must be positive and at most one hour.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether profile writes are flushed to disk before they replace the old file.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool FlushToDisk { get; set; } = true;
}
