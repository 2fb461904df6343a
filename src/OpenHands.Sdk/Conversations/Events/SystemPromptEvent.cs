using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>The system prompt and the tools offered to the model; the first event of a conversation.</summary>
public sealed class SystemPromptEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "SystemPromptEvent";

    /// <summary>Gets the system prompt text.</summary>
    public required string SystemPrompt { get; init; }

    /// <summary>Gets optional context appended to the system prompt.</summary>
    public string? DynamicContext { get; init; }

    /// <summary>Gets the tool definitions offered to the model (name, description, parameters).</summary>
    public ImmutableArray<JsonElement> Tools { get; init; } = [];
}
