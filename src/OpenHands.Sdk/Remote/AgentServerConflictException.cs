namespace OpenHands.Sdk.Remote;

/// <summary>
/// The agent server refused a request because of the current state (HTTP 409): a rename target that exists, the profile
/// limit, a corrupt settings file. <see cref="AgentServerException.Detail"/> says which.
/// </summary>
public sealed class AgentServerConflictException : AgentServerException
{
    /// <summary>Initializes a new instance of the <see cref="AgentServerConflictException"/> class.</summary>
    public AgentServerConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerConflictException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentServerConflictException(string message)
        : base(message, 409, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerConflictException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentServerConflictException(string message, Exception? innerException)
        : base(message, 409, null, innerException)
    {
    }

    internal AgentServerConflictException(string message, string? detail)
        : base(message, 409, detail, null)
    {
    }
}
