namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// A piece of the LLM's reply as it streams in (the Python SDK's <c>StreamingDeltaEvent</c>): published live while the
/// profile has <c>stream: true</c>, <b>never persisted</b>. The reply it belongs to is recorded whole afterwards, as the
/// same <see cref="MessageEvent"/> or <see cref="ActionEvent"/>s a non-streamed reply makes.
/// </summary>
/// <remarks>
/// Deltas reach <see cref="Conversation.WatchEventsAsync"/>, <see cref="Conversation.StreamDeltasAsync"/>, the
/// conversation's callbacks and the agent server's event websocket; they are not in <see cref="Conversation.Events"/>,
/// do not count in event indexes and have no parent. A reply that fails after some deltas and is then answered again
/// (by a fallback profile) streams its deltas again.
/// </remarks>
public sealed class StreamingDeltaEvent : ConversationEvent
{
    /// <summary>Initializes a new instance of the <see cref="StreamingDeltaEvent"/> class, from the agent.</summary>
    public StreamingDeltaEvent() => Source = EventSource.Agent;

    /// <inheritdoc/>
    public override string Kind => "StreamingDeltaEvent";

    /// <summary>Gets the next piece of the reply's text (<c>content</c>), or <see langword="null"/>.</summary>
    public string? Content { get; init; }

    /// <summary>Gets the next piece of the model's reasoning (<c>reasoning_content</c>), or <see langword="null"/>.</summary>
    public string? ReasoningContent { get; init; }
}
