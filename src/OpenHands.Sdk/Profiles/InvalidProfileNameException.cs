namespace OpenHands.Sdk.Profiles;

/// <summary>A text is not a valid LLM profile name. Nothing was read, written or deleted.</summary>
public sealed class InvalidProfileNameException : ArgumentException
{
    private const string Rule = "Profile names have 1-64 characters: ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.";

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileNameException"/> class.</summary>
    public InvalidProfileNameException()
        : base(Rule)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileNameException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidProfileNameException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileNameException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidProfileNameException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProfileNameException"/> class for a rejected name.</summary>
    /// <param name="name">The rejected text.</param>
    /// <param name="problem">What is wrong with it.</param>
    public InvalidProfileNameException(string? name, string problem)
        : base($"Invalid profile name '{Printable(name)}': {problem}. {Rule}")
    {
        Name = name;
    }

    /// <summary>Gets the rejected text.</summary>
    public string? Name { get; }

    private static string Printable(string? name) =>
        name is null ? "(null)" : string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
