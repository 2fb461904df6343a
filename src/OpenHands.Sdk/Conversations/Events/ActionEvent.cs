using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>A tool call the agent decided to make.</summary>
/// <remarks>
/// <see cref="Action"/> is <see langword="null"/> when the call cannot be executed (unknown tool, invalid
/// arguments); an <see cref="AgentErrorEvent"/> for the same <see cref="ToolCallId"/> follows then.
/// </remarks>
public sealed class ActionEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "ActionEvent";

    /// <summary>Gets the text the model wrote with the call (set on the first call of a response only).</summary>
    public string Thought { get; init; } = string.Empty;

    /// <summary>Gets the model's reasoning text, when returned.</summary>
    public string? ReasoningContent { get; init; }

    /// <summary>Gets the executable action payload (the arguments plus <c>kind</c>), or <see langword="null"/>.</summary>
    public JsonElement? Action { get; init; }

    /// <summary>Gets the tool's name.</summary>
    public required string ToolName { get; init; }

    /// <summary>Gets the tool-call id.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>Gets the tool call as the model sent it.</summary>
    public required ToolCallRecord ToolCall { get; init; }

    /// <summary>Gets the id of the LLM response; calls of one response share it.</summary>
    public required string LlmResponseId { get; init; }

    /// <summary>Gets the predicted security risk: <c>UNKNOWN</c>, <c>LOW</c>, <c>MEDIUM</c> or <c>HIGH</c>.</summary>
    public string SecurityRisk { get; init; } = "UNKNOWN";

    /// <summary>Gets a short summary of the call.</summary>
    public string? Summary { get; init; }
}
