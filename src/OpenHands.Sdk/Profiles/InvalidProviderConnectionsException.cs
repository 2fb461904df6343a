namespace OpenHands.Sdk.Profiles;

/// <summary>
/// <c>provider_connections.json</c> is not a readable connections document (not JSON, a newer schema, a bad record). The
/// file is never replaced while it is in this state: fix or remove it by hand.
/// </summary>
public sealed class InvalidProviderConnectionsException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidProviderConnectionsException"/> class.</summary>
    public InvalidProviderConnectionsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProviderConnectionsException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidProviderConnectionsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProviderConnectionsException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidProviderConnectionsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProviderConnectionsException"/> class.</summary>
    /// <param name="path">The file.</param>
    /// <param name="reason">What is wrong with it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidProviderConnectionsException(string path, string reason, Exception? innerException)
        : base($"Provider connections file is unreadable: {reason} ({path}). Fix or remove the file; it is left as it is.", innerException)
    {
        Path = path;
    }

    /// <summary>Gets the file.</summary>
    public string? Path { get; }
}
