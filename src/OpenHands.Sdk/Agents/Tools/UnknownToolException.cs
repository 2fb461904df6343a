namespace OpenHands.Sdk.Agents.Tools;

/// <summary>A tool named in a <see cref="ToolSpec"/> is not registered in the <see cref="ToolRegistry"/> asked to create it.</summary>
public sealed class UnknownToolException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="UnknownToolException"/> class.</summary>
    public UnknownToolException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnknownToolException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public UnknownToolException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnknownToolException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnknownToolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnknownToolException"/> class for a name that is not registered.</summary>
    /// <param name="toolName">The name that was asked for.</param>
    /// <param name="registered">The names that are registered.</param>
    public UnknownToolException(string toolName, IReadOnlyCollection<string> registered)
        : base($"Tool '{toolName}' is not registered. Registered tools: {(registered.Count == 0 ? "none" : string.Join(", ", registered))}. "
               + "Register it with ToolRegistry.Register before creating or restoring the conversation.")
    {
        ToolName = toolName;
        Registered = registered;
    }

    /// <summary>Gets the name that was asked for.</summary>
    public string? ToolName { get; }

    /// <summary>Gets the names that were registered when the error was raised.</summary>
    public IReadOnlyCollection<string> Registered { get; } = [];
}
