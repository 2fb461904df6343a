namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>One page of events as their stored JSON (<see cref="Conversation.ReadEventJson"/>).</summary>
/// <param name="Items">Each event's UTF-8 JSON, in page order.</param>
/// <param name="HasMore">Whether more events follow the page.</param>
public sealed record EventJsonPage(IReadOnlyList<byte[]> Items, bool HasMore);
