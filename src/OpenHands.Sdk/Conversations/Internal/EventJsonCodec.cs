using System.Text.Json;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Converters;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Reads and writes events in the Python SDK's JSON shape (compact, nulls omitted, <c>kind</c> last) through the
/// contracts in <see cref="EventDocument"/>. An event of a kind this version does not model is kept whole as an
/// <see cref="UnknownEvent"/> and written back as it was read.
/// </summary>
internal static class EventJsonCodec
{
    private static readonly JsonSerializerOptions Options = OpenHandsJson.Redacted;

    public static byte[] ToBytes(ConversationEvent e) => e is UnknownEvent unknown
        ? JsonSerializer.SerializeToUtf8Bytes(unknown.Json, Options.Contract<JsonElement>())
        : JsonSerializer.SerializeToUtf8Bytes(ToDocument(e), Options.GetTypeInfo(DocumentType(e)));

    public static void Write(Utf8JsonWriter writer, ConversationEvent e)
    {
        if (e is UnknownEvent unknown)
        {
            JsonSerializer.Serialize(writer, unknown.Json, Options.Contract<JsonElement>());
        }
        else
        {
            JsonSerializer.Serialize(writer, ToDocument(e), Options.GetTypeInfo(DocumentType(e)));
        }
    }

    /// <exception cref="LlmFormatException">The JSON is not a valid event.</exception>
    public static ConversationEvent Read(JsonElement root)
    {
        EventDocument? document;
        try
        {
            document = root.Deserialize(Options.Contract<EventDocument>());
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }

        return FromDocument(document, () => root.Clone());
    }

    /// <summary>Reads one event file's bytes (no intermediate <see cref="JsonDocument"/>).</summary>
    /// <exception cref="LlmFormatException">The text is not JSON or not a valid event.</exception>
    public static ConversationEvent FromBytes(ReadOnlySpan<byte> utf8)
    {
        EventDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, Options.Contract<EventDocument>());
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }

        if (document is null || document.GetType() != typeof(EventDocument))
        {
            return FromDocument(document, static () => default);
        }

        // A kind this version does not model (rare): keep the whole event as it is.
        var whole = JsonSerializer.Deserialize(utf8, Options.Contract<JsonElement>());
        return FromDocument(document, () => whole);
    }

    public static string SourceName(EventSource source) => EventSourceConverter.Instance.NameOf(source);

    private static Type DocumentType(ConversationEvent e) => e switch
    {
        SystemPromptEvent => typeof(SystemPromptEventDocument),
        MessageEvent => typeof(MessageEventDocument),
        ActionEvent => typeof(ActionEventDocument),
        ObservationEvent => typeof(ObservationEventDocument),
        AgentErrorEvent => typeof(AgentErrorEventDocument),
        ConversationErrorEvent => typeof(ConversationErrorEventDocument),
        ConversationStateUpdateEvent => typeof(ConversationStateUpdateEventDocument),
        PauseEvent => typeof(PauseEventDocument),
        _ => throw new NotSupportedException($"Event type {e.GetType().Name} cannot be persisted."),
    };

    private static EventDocument ToDocument(ConversationEvent e)
    {
        EventDocument document = e switch
        {
            SystemPromptEvent s => new SystemPromptEventDocument { SystemPrompt = s.SystemPrompt, Tools = [.. s.Tools], DynamicContext = s.DynamicContext },
            MessageEvent m => new MessageEventDocument
            {
                LlmMessage = new LlmMessageDocument { Role = m.Role, Content = m.Text, ReasoningContent = m.ReasoningContent },
                LlmResponseId = m.LlmResponseId,
                Sender = m.Sender,
            },
            ActionEvent a => new ActionEventDocument
            {
                Thought = a.Thought,
                ReasoningContent = a.ReasoningContent,
                Action = a.Action,
                ToolName = a.ToolName,
                ToolCallId = a.ToolCallId,
                ToolCall = new ToolCallDocument { Id = a.ToolCall.Id, Name = a.ToolCall.Name, Arguments = a.ToolCall.Arguments, Origin = a.ToolCall.Origin },
                LlmResponseId = a.LlmResponseId,
                SecurityRisk = a.SecurityRisk,
                Summary = a.Summary,
            },
            ObservationEvent o => new ObservationEventDocument
            {
                ToolName = o.ToolName,
                ToolCallId = o.ToolCallId,
                Observation = new ObservationDocument
                {
                    Content = o.Text,
                    IsError = o.IsError,
                    Fields = UnknownFields.ForWrite(o.ObservationFields, "kind", UnknownFields.Element(o.ObservationKind)),
                },
                ActionId = o.ActionId,
            },
            AgentErrorEvent ae => new AgentErrorEventDocument { ToolName = ae.ToolName, ToolCallId = ae.ToolCallId, Error = ae.Error },
            ConversationErrorEvent ce => new ConversationErrorEventDocument { Code = ce.Code, Detail = ce.Detail },
            ConversationStateUpdateEvent su => new ConversationStateUpdateEventDocument { Key = su.Key, Value = su.Value },
            PauseEvent => new PauseEventDocument(),
            _ => throw new NotSupportedException($"Event type {e.GetType().Name} cannot be persisted."),
        };

        document.Id = e.Id;
        document.Timestamp = e.Timestamp;
        document.Source = e.Source;
        document.ParentId = e.ParentId;
        document.Unknown = UnknownFields.ForWrite(e.AdditionalProperties, "kind", UnknownFields.Element(e.Kind));
        return document;
    }

    private static ConversationEvent FromDocument(EventDocument? document, Func<JsonElement> whole)
    {
        if (document is null)
        {
            throw new LlmFormatException("the event is not a JSON object");
        }

        var id = document.Id ?? throw new LlmFormatException("the event has no 'id'");
        var time = document.Timestamp;
        var source = document.Source;
        var parent = document.ParentId;
        var others = UnknownFields.Take(document.Unknown);
        switch (document)
        {
            case SystemPromptEventDocument s:
                return new SystemPromptEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    SystemPrompt = s.SystemPrompt ?? string.Empty,
                    DynamicContext = s.DynamicContext,
                    Tools = s.Tools is null ? [] : [.. s.Tools],
                };
            case MessageEventDocument m:
                var message = m.LlmMessage ?? throw new LlmFormatException("MessageEvent has no 'llm_message' object");
                return new MessageEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    Role = message.Role ?? "user",
                    Text = message.Content ?? string.Empty,
                    ReasoningContent = message.ReasoningContent,
                    LlmResponseId = m.LlmResponseId,
                    Sender = m.Sender,
                };
            case ActionEventDocument a:
                var call = a.ToolCall ?? throw new LlmFormatException("ActionEvent has no 'tool_call' object");
                return new ActionEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    Thought = a.Thought ?? string.Empty,
                    ReasoningContent = a.ReasoningContent,
                    Action = a.Action is { ValueKind: JsonValueKind.Object } action ? action : null,
                    ToolName = Required(a.ToolName, "tool_name"),
                    ToolCallId = Required(a.ToolCallId, "tool_call_id"),
                    ToolCall = new ToolCallRecord(Required(call.Id, "id"), Required(call.Name, "name"), call.Arguments ?? "{}", call.Origin ?? "completion"),
                    LlmResponseId = a.LlmResponseId ?? string.Empty,
                    SecurityRisk = a.SecurityRisk ?? "UNKNOWN",
                    Summary = a.Summary,
                };
            case ObservationEventDocument o:
                var observation = o.Observation ?? throw new LlmFormatException("ObservationEvent has no 'observation' object");
                return new ObservationEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    ToolName = Required(o.ToolName, "tool_name"),
                    ToolCallId = Required(o.ToolCallId, "tool_call_id"),
                    ActionId = Required(o.ActionId, "action_id"),
                    ObservationKind = UnknownFields.RemoveString(observation.Fields, "kind") ?? "Observation",
                    Text = observation.Content ?? string.Empty,
                    IsError = observation.IsError,
                    ObservationFields = UnknownFields.Take(observation.Fields, "kind"),
                };
            case AgentErrorEventDocument ae:
                return new AgentErrorEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    ToolName = ae.ToolName ?? string.Empty, ToolCallId = ae.ToolCallId ?? string.Empty, Error = ae.Error ?? string.Empty,
                };
            case ConversationErrorEventDocument ce:
                return new ConversationErrorEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    Code = ce.Code ?? string.Empty, Detail = ce.Detail ?? string.Empty,
                };
            case ConversationStateUpdateEventDocument su:
                return new ConversationStateUpdateEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    Key = Required(su.Key, "key"),
                    Value = su.Value,
                };
            case PauseEventDocument:
                return new PauseEvent { Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others };
            default:
                var json = whole();
                var kind = json.Deserialize(Options.Contract<EventKindDocument>())?.Kind ?? throw new LlmFormatException("the event has no 'kind'");
                return new UnknownEvent(kind, json) { Id = id, Timestamp = time, Source = source, ParentId = parent };
        }
    }

    private static string Required(string? value, string name) =>
        value ?? throw new LlmFormatException($"the event has no '{name}' string");
}
