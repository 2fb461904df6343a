using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>What a tool call produced.</summary>
public sealed class ObservationEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "ObservationEvent";

    /// <summary>Gets the tool's name.</summary>
    public required string ToolName { get; init; }

    /// <summary>Gets the tool-call id this observation answers.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>Gets the id of the <see cref="ActionEvent"/> this observation answers.</summary>
    public required string ActionId { get; init; }

    /// <summary>Gets the kind of the observation payload, for example <c>TerminalObservation</c>.</summary>
    public required string ObservationKind { get; init; }

    /// <summary>Gets the text shown to the model.</summary>
    public required string Text { get; init; }

    /// <summary>Gets whether the tool call failed.</summary>
    public bool IsError { get; init; }

    /// <summary>Gets the other fields of the observation payload (for example <c>exit_code</c>).</summary>
    public ImmutableDictionary<string, JsonElement> ObservationFields { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
