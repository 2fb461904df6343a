namespace OpenHands.Sdk.Settings;

/// <summary>Options of <see cref="SettingsStore"/>. The store copies them when it is created.</summary>
public sealed class SettingsStoreOptions
{
    /// <summary>Gets or sets the folder that holds <c>settings.json</c>.</summary>
    /// <value>The default is <see langword="null"/>: <c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>.</value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how long a write waits for the settings lock before <see cref="StoreBusyException"/>.</summary>
    /// <value>The default is 30 seconds; the store accepts more than zero and at most 1 hour.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
