using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// Writes one conversation's state document and events (<see cref="IConversationStore.OpenWriter"/>). Called by the
/// conversation's owner under its gate, one write at a time; each write is whole or absent.
/// </summary>
public interface IConversationWriter
{
    /// <summary>Gets the conversation's folder, for a store that keeps files; <see langword="null"/> otherwise.</summary>
    string? Directory { get; }

    /// <summary>Stores event number <paramref name="sequence"/> (0 for the first) with its UTF-8 JSON, exactly these bytes.</summary>
    /// <param name="sequence">The event's position in the log: the number of events stored before it.</param>
    /// <param name="conversationEvent">The event (its id, kind and timestamp are stored beside the bytes where the store indexes them).</param>
    /// <param name="json">The event's JSON in the Python shape.</param>
    /// <exception cref="StoreConflictException">The position or the event id is taken already (another writer); nothing was written.</exception>
    void AppendEvent(int sequence, ConversationEvent conversationEvent, ReadOnlySpan<byte> json);

    /// <summary>Replaces the state document with exactly these bytes.</summary>
    /// <param name="json">The state's UTF-8 JSON (<c>base_state.json</c>).</param>
    void WriteState(ReadOnlySpan<byte> json);
}
