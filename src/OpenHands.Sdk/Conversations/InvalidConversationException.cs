namespace OpenHands.Sdk.Conversations;

/// <summary>A persisted conversation cannot be read (corrupt state or event file, or an id mismatch). Nothing was changed.</summary>
public sealed class InvalidConversationException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidConversationException"/> class.</summary>
    public InvalidConversationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidConversationException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidConversationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidConversationException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidConversationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidConversationException"/> class for a file.</summary>
    /// <param name="path">The file that cannot be read.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidConversationException(string path, string problem, Exception? innerException)
        : base($"Cannot read conversation file '{path}': {problem}. The file was left as it is.", innerException)
    {
        Path = path;
    }

    /// <summary>Gets the file that cannot be read, when known.</summary>
    public string? Path { get; }
}
