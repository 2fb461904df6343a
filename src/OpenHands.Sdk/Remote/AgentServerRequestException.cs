namespace OpenHands.Sdk.Remote;

/// <summary>
/// A request to the agent server failed for another reason: the server could not be reached or did not answer in time
/// (<see cref="AgentServerException.StatusCode"/> is <see langword="null"/>), it kept failing with a 5xx after the retries,
/// or it answered with a status the other exception types do not cover (400, 413, …).
/// </summary>
public sealed class AgentServerRequestException : AgentServerException
{
    /// <summary>Initializes a new instance of the <see cref="AgentServerRequestException"/> class.</summary>
    public AgentServerRequestException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerRequestException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentServerRequestException(string message)
        : base(message, null, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerRequestException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentServerRequestException(string message, Exception? innerException)
        : base(message, null, null, innerException)
    {
    }

    internal AgentServerRequestException(string message, int? statusCode, string? detail, Exception? innerException)
        : base(message, statusCode, detail, innerException)
    {
    }
}
