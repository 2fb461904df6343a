namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// A write under a conversation lease was refused because the lease's fencing token is no longer the row's: another
/// instance took the conversation over (this instance's lease expired). Nothing was written; stop the run here and let
/// the owner continue it. A kind of <see cref="StoreConflictException"/>: the agent server answers it with 409.
/// </summary>
public sealed class ConversationLeaseLostException : StoreConflictException
{
    /// <summary>Initializes a new instance of the <see cref="ConversationLeaseLostException"/> class.</summary>
    public ConversationLeaseLostException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationLeaseLostException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ConversationLeaseLostException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationLeaseLostException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConversationLeaseLostException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConversationLeaseLostException"/> class for one lease.</summary>
    /// <param name="lease">The lease that was lost.</param>
    /// <param name="write">What was not written, e.g. <c>event 4</c>.</param>
    public ConversationLeaseLostException(ConversationLease lease, string write)
        : base($"The {write} of conversation {lease?.ConversationId} was not stored: instance '{lease?.Owner}' no longer holds its lease "
               + $"(fencing token {lease?.Token}); another instance took the conversation over. Nothing was written; stop this run and let the new owner continue it.")
    {
        ArgumentNullException.ThrowIfNull(lease);
        Lease = lease;
    }

    /// <summary>Gets the lease that was lost, when known.</summary>
    public ConversationLease? Lease { get; }
}
