namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// The run was interrupted (the Python SDK's <c>InterruptEvent</c>): <see cref="Conversation.InterruptAsync"/> cancelled
/// the LLM call or tool in flight at once, instead of after the step as a pause does. The conversation is paused and a
/// later run continues it.
/// </summary>
public sealed class InterruptEvent : ConversationEvent
{
    /// <summary>Initializes a new instance of the <see cref="InterruptEvent"/> class, from the user.</summary>
    public InterruptEvent() => Source = EventSource.User;

    /// <inheritdoc/>
    public override string Kind => "InterruptEvent";
}
