namespace OpenHands.Sdk.Profiles;

/// <summary>Options of <see cref="LlmProfileStore"/>. The store copies them when it is created.</summary>
public sealed class LlmProfileStoreOptions
{
    /// <summary>Gets or sets the folder that holds the <c>&lt;name&gt;.json</c> files.</summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>OH_LLM_PROFILES_PATH</c>, else <c>$OH_PERSISTENCE_DIR/profiles</c>,
    /// else <c>~/.openhands/profiles</c> (the folder the Python CLI uses).
    /// </value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how long a write waits for the store lock before <see cref="StoreBusyException"/>.</summary>
    /// <value>The default is 30 seconds, as in the Python SDK; the store accepts more than zero and at most 1 hour.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether each write is flushed to the disk before it replaces the old file.</summary>
    /// <value>The default is <see langword="true"/>: a power loss leaves the old or the new profile, never an empty file.</value>
    public bool FlushToDisk { get; set; } = true;
}
