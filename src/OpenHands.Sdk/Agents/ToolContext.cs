using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenHands.Sdk.Agents;

/// <summary>What a tool may use of the conversation it runs in.</summary>
public sealed class ToolContext
{
    /// <summary>Initializes a new instance of the <see cref="ToolContext"/> class.</summary>
    /// <param name="workingDirectory">The workspace folder tools operate in.</param>
    /// <param name="conversationId">The conversation's id.</param>
    public ToolContext(string workingDirectory, Guid conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        WorkingDirectory = workingDirectory;
        ConversationId = conversationId;
    }

    /// <summary>Gets the workspace folder tools operate in.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Gets the conversation's id.</summary>
    public Guid ConversationId { get; }

    /// <summary>Gets the logger factory; no logging by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the conversation's LLM switch (used by <c>switch_llm</c>); <see langword="null"/> when the conversation cannot switch.</summary>
    public ILlmSwitcher? LlmSwitcher { get; init; }
}
