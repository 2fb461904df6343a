namespace OpenHands.Sdk.Settings;

/// <summary><c>settings.json</c> cannot be read: it is not valid JSON, has a wrong shape, or a newer schema. The file is left as it is.</summary>
public sealed class InvalidSettingsException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidSettingsException"/> class.</summary>
    public InvalidSettingsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSettingsException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidSettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSettingsException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidSettingsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSettingsException"/> class for a file.</summary>
    /// <param name="path">The settings file.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidSettingsException(string path, string problem, Exception? innerException)
        : base($"Cannot read settings '{path}': {problem}. Fix or remove the file; it was not changed.", innerException)
    {
        Path = path;
    }

    /// <summary>Gets the settings file.</summary>
    public string? Path { get; }
}
