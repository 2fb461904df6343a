namespace OpenHands.Sdk.Conversations.Events;

/// <summary>A condensation was asked for (kind <c>CondensationRequest</c>); the next step condenses the history.</summary>
public sealed class CondensationRequestEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "CondensationRequest";
}
