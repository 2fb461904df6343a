using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>
/// An event file in the Python SDK's shape: the common fields, the fields of its kind, the fields this version does not
/// know, and <c>kind</c>, the class name, last. Reading dispatches on <c>kind</c> (wherever it is); an unknown or missing
/// kind reads as this base type, and the codec keeps such an event whole.
/// </summary>
/// <remarks>
/// Written through the contract of the concrete type, so the discriminator is not written first; the codec appends
/// <c>kind</c> after the unknown fields, where Python writes it.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(SystemPromptEventDocument), "SystemPromptEvent")]
[JsonDerivedType(typeof(MessageEventDocument), "MessageEvent")]
[JsonDerivedType(typeof(ActionEventDocument), "ActionEvent")]
[JsonDerivedType(typeof(ObservationEventDocument), "ObservationEvent")]
[JsonDerivedType(typeof(AgentErrorEventDocument), "AgentErrorEvent")]
[JsonDerivedType(typeof(ConversationErrorEventDocument), "ConversationErrorEvent")]
[JsonDerivedType(typeof(ConversationStateUpdateEventDocument), "ConversationStateUpdateEvent")]
[JsonDerivedType(typeof(PauseEventDocument), "PauseEvent")]
[JsonDerivedType(typeof(InterruptEventDocument), "InterruptEvent")]
[JsonDerivedType(typeof(StreamingDeltaEventDocument), "StreamingDeltaEvent")]
[JsonDerivedType(typeof(UserRejectObservationDocument), "UserRejectObservation")]
[JsonDerivedType(typeof(CondensationDocument), "Condensation")]
[JsonDerivedType(typeof(CondensationRequestDocument), "CondensationRequest")]
internal class EventDocument
{
    [JsonPropertyOrder(-4), JsonConverter(typeof(LooseStringConverter))]
    public string? Id { get; set; }

    [JsonPropertyOrder(-3), JsonConverter(typeof(TimestampConverter))]
    public DateTimeOffset Timestamp { get; set; }

    [JsonPropertyOrder(-2), JsonConverter(typeof(EventSourceConverter))]
    public EventSource Source { get; set; } = EventSource.Environment;

    [JsonPropertyOrder(-1), JsonConverter(typeof(LooseStringConverter))]
    public string? ParentId { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The <c>kind</c> of an event file alone, read when the kind is not one this version models.</summary>
internal sealed class EventKindDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Kind { get; set; }
}

internal sealed class SystemPromptEventDocument : EventDocument
{
    [JsonConverter(typeof(TextPartConverter))]
    public string? SystemPrompt { get; set; }

    [JsonConverter(typeof(ListOrNothingConverter))]
    public List<JsonElement>? Tools { get; set; }

    [JsonConverter(typeof(TextPartConverter))]
    public string? DynamicContext { get; set; }
}

internal sealed class MessageEventDocument : EventDocument
{
    public LlmMessageDocument? LlmMessage { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? LlmResponseId { get; set; }

    public EmptyList ActivatedSkills { get; set; } = EmptyList.Value;

    public EmptyList ExtendedContent { get; set; } = EmptyList.Value;

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Sender { get; set; }
}

/// <summary>The <c>llm_message</c> of a message event; its other fields are not kept.</summary>
internal sealed class LlmMessageDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Role { get; set; }

    [JsonConverter(typeof(TextPartsConverter))]
    public string? Content { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ReasoningContent { get; set; }

    public EmptyList ThinkingBlocks { get; set; } = EmptyList.Value;
}

internal sealed class ActionEventDocument : EventDocument
{
    [JsonConverter(typeof(ThoughtConverter))]
    public string? Thought { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ReasoningContent { get; set; }

    public EmptyList ThinkingBlocks { get; set; } = EmptyList.Value;

    public JsonElement? Action { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolName { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolCallId { get; set; }

    public ToolCallDocument? ToolCall { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? LlmResponseId { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? SecurityRisk { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Summary { get; set; }
}

/// <summary>The <c>tool_call</c> of an action event.</summary>
internal sealed class ToolCallDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Id { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Name { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Arguments { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Origin { get; set; }
}

internal sealed class ObservationEventDocument : EventDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolName { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolCallId { get; set; }

    public ObservationDocument? Observation { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ActionId { get; set; }

    public EmptyList ExtendedContent { get; set; } = EmptyList.Value;
}

/// <summary>The <c>observation</c> payload: text, error flag, the tool's own fields, and its <c>kind</c> last.</summary>
internal sealed class ObservationDocument
{
    [JsonConverter(typeof(TextPartsConverter))]
    public string? Content { get; set; }

    [JsonConverter(typeof(LooseBooleanConverter))]
    public bool IsError { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Fields { get; set; }
}

internal sealed class AgentErrorEventDocument : EventDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolName { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolCallId { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Error { get; set; }
}

internal sealed class ConversationErrorEventDocument : EventDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Code { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Detail { get; set; }
}

internal sealed class ConversationStateUpdateEventDocument : EventDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Key { get; set; }

    public JsonElement Value { get; set; }
}

internal sealed class PauseEventDocument : EventDocument;

internal sealed class InterruptEventDocument : EventDocument;

/// <summary>A streamed delta as the events websocket sends it (never written to an event file).</summary>
internal sealed class StreamingDeltaEventDocument : EventDocument
{
    public string? Content { get; set; }

    public string? ReasoningContent { get; set; }
}

internal sealed class UserRejectObservationDocument : EventDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolName { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ToolCallId { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? RejectionReason { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? RejectionSource { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ActionId { get; set; }
}

/// <summary>A condensation: the forgotten ids (a set in Python, a list in JSON), the summary and where it goes.</summary>
internal sealed class CondensationDocument : EventDocument
{
    public List<string>? ForgottenEventIds { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Summary { get; set; }

    public int? SummaryOffset { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? LlmResponseId { get; set; }
}

internal sealed class CondensationRequestDocument : EventDocument;
