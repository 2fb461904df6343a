namespace OpenHands.Sdk.Conversations;

/// <summary>A run stopped because of an unexpected failure (for example the LLM failed after its retries).</summary>
/// <remarks>The conversation's status is <see cref="ConversationExecutionStatus.Error"/> and a <see cref="Events.ConversationErrorEvent"/> records the failure; a later run continues.</remarks>
public sealed class ConversationRunException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="ConversationRunException"/> class.</summary>
    public ConversationRunException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationRunException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ConversationRunException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationRunException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConversationRunException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationRunException"/> class for a conversation.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="innerException">The failure.</param>
    public ConversationRunException(Guid conversationId, Exception innerException)
        : base($"Conversation run failed for id={conversationId}: {innerException?.Message}", innerException)
    {
        ConversationId = conversationId;
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationRunException"/> class for a run that failed elsewhere (on an agent server).</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="message">The message.</param>
    internal ConversationRunException(Guid conversationId, string message)
        : base(message)
    {
        ConversationId = conversationId;
    }

    /// <summary>Gets the conversation whose run failed.</summary>
    public Guid ConversationId { get; }
}
