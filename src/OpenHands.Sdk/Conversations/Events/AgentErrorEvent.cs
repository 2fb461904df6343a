namespace OpenHands.Sdk.Conversations.Events;

/// <summary>A tool call that failed before or while running (unknown tool, invalid arguments, tool exception).</summary>
public sealed class AgentErrorEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "AgentErrorEvent";

    /// <summary>Gets the tool's name.</summary>
    public required string ToolName { get; init; }

    /// <summary>Gets the tool-call id.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>Gets the error text shown to the model.</summary>
    public required string Error { get; init; }
}
