namespace OpenHands.Sdk.PostgreSql;

/// <summary>What changed in a conversation, as <see cref="PostgreSqlConversationNotifications"/> hears it.</summary>
public enum ConversationChangeKind
{
    /// <summary>An event row was stored (<see cref="ConversationChange.Sequence"/> is its position).</summary>
    Event,

    /// <summary>The state document was written (a status change, a switch, a policy).</summary>
    State,

    /// <summary>The conversation was deleted.</summary>
    Deleted,
}

/// <summary>One committed change of a conversation, from any instance (this one included).</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Sequence">The event's position for <see cref="ConversationChangeKind.Event"/>; else <see langword="null"/>.</param>
/// <param name="LeaseToken">The lease token the write was made under (so a writer knows its own changes); <see langword="null"/>
/// for a write without a lease and for a delete.</param>
public sealed record ConversationChange(Guid ConversationId, ConversationChangeKind Kind, int? Sequence, long? LeaseToken);
