namespace OpenHands.Sdk.Profiles;

/// <summary>An agent profile of that name already exists; nothing was changed.</summary>
public sealed class AgentProfileAlreadyExistsException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="AgentProfileAlreadyExistsException"/> class.</summary>
    public AgentProfileAlreadyExistsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentProfileAlreadyExistsException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentProfileAlreadyExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentProfileAlreadyExistsException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentProfileAlreadyExistsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
