using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>One event as read back from a store: the event and the exact bytes it was stored as.</summary>
/// <param name="Event">The event.</param>
/// <param name="Json">Its UTF-8 JSON, as stored (never changed afterwards).</param>
public readonly record struct StoredEvent(ConversationEvent Event, byte[] Json);
