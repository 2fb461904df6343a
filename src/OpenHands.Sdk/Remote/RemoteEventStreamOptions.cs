namespace OpenHands.Sdk.Remote;

/// <summary>Which events <see cref="RemoteConversation.WatchEventsAsync"/> returns.</summary>
public sealed class RemoteEventStreamOptions
{
    /// <summary>Gets or sets whether the events persisted before the stream started are returned first.</summary>
    /// <value>The default is <see langword="true"/> (the server's <c>resend_mode=all</c>); <see langword="false"/> returns only new events.</value>
    public bool IncludeHistory { get; set; } = true;

    /// <summary>Gets or sets the earliest timestamp of a past event to return (the server's <c>resend_mode=since</c>).</summary>
    /// <value>The default is <see langword="null"/>. When set, it wins over <see cref="IncludeHistory"/>.</value>
    public DateTimeOffset? Since { get; set; }
}
