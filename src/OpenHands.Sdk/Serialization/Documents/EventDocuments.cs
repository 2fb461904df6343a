using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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
/// <c>kind</c> after the unknown fields, where Python writes it. The kinds and their types are listed in
/// <see cref="EventKinds"/>, which makes this type's polymorphic contract.
/// </remarks>
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

/// <summary>
/// The event kinds this version models: each kind (the class name the Python SDK writes as <c>kind</c>) and its document
/// type. The one list of kinds: the codec looks a file's kind up here, and <see cref="ApplyPolymorphism"/> makes the
/// polymorphic contract of <see cref="EventDocument"/> from it.
/// </summary>
/// <remarks>
/// A list in code rather than <c>[JsonDerivedType]</c> attributes: reading those attributes (their types are resolved by
/// name) was about 14 ms of a fresh process's first replay, before its first event could be read.
/// </remarks>
internal static class EventKinds
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["SystemPromptEvent"] = typeof(SystemPromptEventDocument),
        ["MessageEvent"] = typeof(MessageEventDocument),
        ["ActionEvent"] = typeof(ActionEventDocument),
        ["ObservationEvent"] = typeof(ObservationEventDocument),
        ["AgentErrorEvent"] = typeof(AgentErrorEventDocument),
        ["ConversationErrorEvent"] = typeof(ConversationErrorEventDocument),
        ["ConversationStateUpdateEvent"] = typeof(ConversationStateUpdateEventDocument),
        ["PauseEvent"] = typeof(PauseEventDocument),
        ["InterruptEvent"] = typeof(InterruptEventDocument),
        ["StreamingDeltaEvent"] = typeof(StreamingDeltaEventDocument),
        ["UserRejectObservation"] = typeof(UserRejectObservationDocument),
        ["Condensation"] = typeof(CondensationDocument),
        ["CondensationRequest"] = typeof(CondensationRequestDocument),
    };

    /// <summary>The document type of <paramref name="kind"/>, or <see langword="null"/> for a kind this version does not model.</summary>
    public static Type? DocumentType(string kind) => Types.GetValueOrDefault(kind);

    /// <summary>
    /// A contract modifier: gives <see cref="EventDocument"/> its polymorphic contract, dispatching on <c>kind</c> wherever
    /// it is in the object; an unknown or missing kind reads as the base type.
    /// </summary>
    public static void ApplyPolymorphism(JsonTypeInfo info)
    {
        if (info.Type != typeof(EventDocument))
        {
            return;
        }

        var polymorphism = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "kind", IgnoreUnrecognizedTypeDiscriminators = true };
        foreach (var (kind, type) in Types)
        {
            polymorphism.DerivedTypes.Add(new JsonDerivedType(type, kind));
        }

        info.PolymorphismOptions = polymorphism;
    }
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
