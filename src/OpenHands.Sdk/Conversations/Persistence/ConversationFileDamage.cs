namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// A file of a persisted conversation that cannot be read, or an event file that is missing from the sequence: the
/// conversation is still restored, read-only, with whatever can be read (see <see cref="Conversation.Damage"/>).
/// </summary>
/// <remarks>Instances are immutable. Nothing in <see cref="Problem"/> is a secret: it names what is wrong, not the file's content.</remarks>
public sealed record ConversationFileDamage
{
    /// <summary>Initializes a new instance of the <see cref="ConversationFileDamage"/> class.</summary>
    /// <param name="file">The file, relative to the conversation's folder with <c>/</c> separators, such as <c>base_state.json</c>.</param>
    /// <param name="kind">Whether the file is there but unreadable, or missing.</param>
    /// <param name="problem">What is wrong, in a sentence.</param>
    /// <exception cref="ArgumentException"><paramref name="file"/> or <paramref name="problem"/> is blank.</exception>
    public ConversationFileDamage(string file, ConversationFileDamageKind kind, string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        File = file;
        Kind = kind;
        Problem = problem;
    }

    /// <summary>Gets the file, relative to the conversation's folder with <c>/</c> separators.</summary>
    /// <value>
    /// <c>base_state.json</c>, <c>events/event-00003-&lt;id&gt;.json</c>, or for a missing event, whose id is unknown,
    /// <c>events/event-00003-*.json</c>.
    /// </value>
    public string File { get; }

    /// <summary>Gets whether the file is there but unreadable, or missing.</summary>
    public ConversationFileDamageKind Kind { get; }

    /// <summary>Gets what is wrong, in a sentence.</summary>
    public string Problem { get; }

    /// <summary>Gets the event's index in the log, for an event file; <see langword="null"/> for other files.</summary>
    public int? EventIndex { get; init; }

    /// <summary>Gets the event's id, when the file name tells it; <see langword="null"/> otherwise.</summary>
    public string? EventId { get; init; }

    /// <summary>Returns the file and its problem, for logs and messages.</summary>
    /// <returns><c>&lt;file&gt;: &lt;problem&gt;</c>.</returns>
    public override string ToString() => $"{File}: {Problem}";
}
