namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>A conversation as an <see cref="IConversationStore"/> read it: the state document, the readable events, and what is damaged.</summary>
/// <remarks>Instances are immutable once returned.</remarks>
public sealed class ConversationRecord
{
    /// <summary>Initializes a new instance of the <see cref="ConversationRecord"/> class.</summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="directory">The conversation's folder, for a store that keeps files; <see langword="null"/> otherwise.</param>
    /// <param name="state">The state document's bytes; <see langword="null"/> when it is missing or cannot be read (then named in <paramref name="damage"/>).</param>
    /// <param name="events">The readable events, in order.</param>
    /// <param name="damage">What is missing or unreadable: the state first, then events in order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> or <paramref name="damage"/> is <see langword="null"/>.</exception>
    public ConversationRecord(Guid id, string? directory, byte[]? state, IReadOnlyList<StoredEvent> events, IReadOnlyList<ConversationFileDamage> damage)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(damage);
        Id = id;
        Directory = directory;
        State = state;
        Events = events;
        Damage = damage;
    }

    /// <summary>Gets the conversation's id.</summary>
    public Guid Id { get; }

    /// <summary>Gets the conversation's folder, for a store that keeps files; <see langword="null"/> otherwise.</summary>
    public string? Directory { get; }

    /// <summary>Gets the state document's bytes, or <see langword="null"/> when it is missing or unreadable.</summary>
    public byte[]? State { get; }

    /// <summary>Gets the readable events, in order (also those after a gap).</summary>
    public IReadOnlyList<StoredEvent> Events { get; }

    /// <summary>Gets what is missing or unreadable; empty for a healthy conversation.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; }
}
