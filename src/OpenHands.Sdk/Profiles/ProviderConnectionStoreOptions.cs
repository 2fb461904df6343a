using System.ComponentModel.DataAnnotations;

namespace OpenHands.Sdk.Profiles;

/// <summary>Options of <see cref="ProviderConnectionStore"/>. The store copies them when it is created.</summary>
public sealed class ProviderConnectionStoreOptions
{
    /// <summary>The most connections a store holds, as in the Python agent-server.</summary>
    public const int DefaultMaxConnections = 64;

    /// <summary>Gets or sets the folder that holds <c>provider_connections.json</c>.</summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>$OH_PERSISTENCE_DIR/provider-connections</c>, else
    /// <c>~/.openhands/provider-connections</c> (where the Python agent-server keeps them).
    /// </value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how long a write waits for the store lock before <see cref="StoreBusyException"/>.</summary>
    /// <value>The default is 30 seconds, as in the Python SDK; the store accepts more than zero and at most 1 hour.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether each write is flushed to the disk before it replaces the old file.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>Gets or sets the most connections the store holds; creating one more is a <see cref="ProfileLimitExceededException"/>.</summary>
    /// <value>The default is <see cref="DefaultMaxConnections"/> (64).</value>
    [Range(1, 100_000)]
    public int MaxConnections { get; set; } = DefaultMaxConnections;
}
