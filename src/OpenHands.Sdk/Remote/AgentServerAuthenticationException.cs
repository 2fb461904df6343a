namespace OpenHands.Sdk.Remote;

/// <summary>
/// The agent server rejected the session API key (HTTP 401, or websocket close code 4001): set
/// <see cref="RemoteWorkspaceOptions.SessionApiKey"/> to one of the server's keys.
/// </summary>
public sealed class AgentServerAuthenticationException : AgentServerException
{
    /// <summary>Initializes a new instance of the <see cref="AgentServerAuthenticationException"/> class.</summary>
    public AgentServerAuthenticationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerAuthenticationException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public AgentServerAuthenticationException(string message)
        : base(message, 401, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerAuthenticationException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AgentServerAuthenticationException(string message, Exception? innerException)
        : base(message, 401, null, innerException)
    {
    }

    internal AgentServerAuthenticationException(string message, int? statusCode, string? detail)
        : base(message, statusCode, detail, null)
    {
    }
}
