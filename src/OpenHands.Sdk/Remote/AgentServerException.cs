namespace OpenHands.Sdk.Remote;

/// <summary>
/// Base type of the failures an agent server reports to <see cref="RemoteWorkspace"/> and <see cref="RemoteConversation"/>:
/// catch it to handle any of them, or a leaf (<see cref="AgentServerAuthenticationException"/>,
/// <see cref="ConversationNotFoundException"/>, <see cref="AgentServerConflictException"/>,
/// <see cref="AgentServerValidationException"/>, <see cref="AgentServerRequestException"/>) to handle one.
/// </summary>
/// <remarks>
/// A missing LLM profile is reported as <see cref="Profiles.ProfileNotFoundException"/>, the same type a local store throws.
/// Messages carry the server's <c>detail</c> and never a secret value.
/// </remarks>
public abstract class AgentServerException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="AgentServerException"/> class.</summary>
    private protected AgentServerException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AgentServerException"/> class.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> when no response arrived.</param>
    /// <param name="detail">The server's <c>detail</c> text, or <see langword="null"/>.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    private protected AgentServerException(string message, int? statusCode, string? detail, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>Gets the HTTP status code of the server's answer, or <see langword="null"/> when no answer arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the server's <c>detail</c> text (validation errors joined), or <see langword="null"/> when it sent none.</summary>
    public string? Detail { get; }
}
