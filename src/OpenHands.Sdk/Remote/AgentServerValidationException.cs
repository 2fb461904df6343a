namespace OpenHands.Sdk.Remote;

/// <summary>
/// The agent server rejected a request as invalid (HTTP 422): <see cref="Errors"/> lists each problem as the server
/// reported it (<c>location: message</c>).
/// </summary>
public sealed class AgentServerValidationException : AgentServerException
{
    /// <summary>Initializes a new instance of the <see cref="AgentServerValidationException"/> class.</summary>
    public AgentServerValidationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerValidationException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentServerValidationException(string message)
        : base(message, 422, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerValidationException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentServerValidationException(string message, Exception? innerException)
        : base(message, 422, null, innerException)
    {
    }

    internal AgentServerValidationException(string message, string? detail, IReadOnlyList<string> errors)
        : base(message, 422, detail, null)
    {
        Errors = errors;
    }

    /// <summary>Gets the problems the server reported, each as <c>location: message</c> (for example <c>body.llm_profile: …</c>).</summary>
    public IReadOnlyList<string> Errors { get; } = [];
}
