namespace OpenHands.Sdk.Conversations.Events;

/// <summary>The conversation was paused.</summary>
public sealed class PauseEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "PauseEvent";
}
