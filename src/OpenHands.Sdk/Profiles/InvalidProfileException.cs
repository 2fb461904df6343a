namespace OpenHands.Sdk.Profiles;

/// <summary>A stored profile cannot be read: the file is not valid JSON, has a wrong type, or a newer schema. The file is left as it is.</summary>
public sealed class InvalidProfileException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidProfileException"/> class.</summary>
    public InvalidProfileException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidProfileException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidProfileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileException"/> class for one profile file.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidProfileException(ProfileName name, string path, string problem, Exception? innerException = null)
        : base($"Failed to load LLM profile '{name}': {problem}. Fix or delete '{path}', or save the profile again.", innerException)
    {
        ProfileName = name;
        Path = path;
    }

    /// <summary>Gets the profile.</summary>
    public ProfileName? ProfileName { get; }

    /// <summary>Gets the file.</summary>
    public string? Path { get; }
}
