namespace OpenHands.Sdk.Security;

/// <summary>What <see cref="SecretKeyRotation.RotateAsync"/> works on.</summary>
public sealed class SecretKeyRotationOptions
{
    /// <summary>Gets or sets the persistence folder (<c>OH_PERSISTENCE_DIR</c>): <c>settings.json</c>, <c>profiles/</c>, <c>provider-connections/</c>.</summary>
    /// <value>The default is <see langword="null"/>: <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>.</value>
    public string? PersistenceDirectory { get; set; }

    /// <summary>Gets or sets the LLM profiles folder.</summary>
    /// <value>The default is <see langword="null"/>: <c>OH_LLM_PROFILES_PATH</c>, else <c>&lt;persistence&gt;/profiles</c>.</value>
    public string? ProfilesDirectory { get; set; }

    /// <summary>Gets or sets the key the secrets are encrypted with now (<c>OH_SECRET_KEY</c>).</summary>
    public string CurrentKey { get; set; } = string.Empty;

    /// <summary>Gets or sets the key to encrypt every secret with.</summary>
    public string NewKey { get; set; } = string.Empty;

    /// <summary>Gets further keys some secrets may still be under (<c>OH_SECRET_KEY_PREVIOUS</c>, an older rotation's key).</summary>
    public IList<string> OtherKeys { get; } = [];

    /// <summary>Gets or sets how long each file waits for its store's lock.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
