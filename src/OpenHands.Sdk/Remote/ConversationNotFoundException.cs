namespace OpenHands.Sdk.Remote;

/// <summary>The agent server has no conversation with the id (HTTP 404 on a conversation route).</summary>
public sealed class ConversationNotFoundException : AgentServerException
{
    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class.</summary>
    public ConversationNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ConversationNotFoundException(string message)
        : base(message, 404, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConversationNotFoundException(string message, Exception? innerException)
        : base(message, 404, null, innerException)
    {
    }

    internal ConversationNotFoundException(Guid conversationId, string message, string? detail)
        : base(message, 404, detail, null)
    {
        ConversationId = conversationId;
    }

    /// <summary>Gets the conversation that was not found, or <see cref="Guid.Empty"/> when unknown.</summary>
    public Guid ConversationId { get; }
}
