namespace OpenHands.Sdk.Conversations.Events;

/// <summary>The run stopped with an error: the iteration cap, or an exception such as an LLM failure.</summary>
public sealed class ConversationErrorEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "ConversationErrorEvent";

    /// <summary>Gets the error code, for example <c>MaxIterationsReached</c> or an exception type name.</summary>
    public required string Code { get; init; }

    /// <summary>Gets the details (never a secret).</summary>
    public required string Detail { get; init; }
}
