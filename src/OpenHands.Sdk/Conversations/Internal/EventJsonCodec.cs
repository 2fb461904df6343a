using System.Runtime.InteropServices;
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
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LlmFormatException("the event is not a JSON object");
        }

        var document = Parse(JsonMarshal.GetRawUtf8Value(root));
        return document.GetType() == typeof(EventDocument) ? Unknown(document, root.Clone()) : FromDocument(document);
    }

    /// <summary>
    /// Once per process, on a pool thread: builds what reading any event needs, whatever its kind (the options, the
    /// common fields' converters and their generic code, the unknown-field maps), by reading one small event of a kind
    /// that has only those fields. A replay calls this before it scans its folder, so that in a fresh process this work
    /// runs on another core while the folder is listed and read; later calls do nothing.
    /// </summary>
    public static void PrepareInBackground()
    {
        if (Interlocked.Exchange(ref Preparation.Started, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Prepare(), null);
        }
    }

    /// <summary>
    /// Whether <see cref="PrepareInBackground"/> has run, apart from the codec's other static fields: touching those runs
    /// their initialization (the options and their converters), which is part of the work to move off the calling thread.
    /// </summary>
    private static class Preparation
    {
        public static int Started;
    }

    /// <summary>Reads <see cref="PreparationSample"/>; never throws (a failure only means nothing was prepared).</summary>
    internal static bool Prepare()
    {
        try
        {
            return FromBytes(PreparationSample) is PauseEvent;
        }
        catch (LlmFormatException)
        {
            return false;
        }
    }

    internal static ReadOnlySpan<byte> PreparationSample =>
        """{"id":"00000000-0000-0000-0000-000000000000","timestamp":"2026-01-01T00:00:00.000000","source":"user","x":1,"kind":"PauseEvent"}"""u8;

    /// <summary>Reads one event file's bytes (no intermediate <see cref="JsonDocument"/>).</summary>
    /// <exception cref="LlmFormatException">The text is not JSON or not a valid event.</exception>
    public static ConversationEvent FromBytes(ReadOnlySpan<byte> utf8)
    {
        var document = Parse(utf8);
        return document.GetType() == typeof(EventDocument)
            ? Unknown(document, JsonSerializer.Deserialize(utf8, Options.Contract<JsonElement>())) // a kind this version does not model (rare)
            : FromDocument(document);
    }

    private static EventDocument Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return ReadKnownKind(utf8) ?? JsonSerializer.Deserialize(utf8, Options.Contract<EventDocument>())
                ?? throw new LlmFormatException("the event is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }
    }

    /// <summary>
    /// The fast path for the files this SDK and the Python SDK write: <c>kind</c> is the last field, so its value can be seen
    /// at the end of the text and the event read with its kind's contract in one pass, without the look-ahead the
    /// polymorphic contract needs for a <c>kind</c> that is not first (about a third of a replay's time). The kind read
    /// is checked; anything unexpected takes the polymorphic path.
    /// </summary>
    private static EventDocument? ReadKnownKind(ReadOnlySpan<byte> utf8)
    {
        if (DocumentTypeAtEnd(utf8) is not { } type)
        {
            return null;
        }

        try
        {
            var document = (EventDocument?)JsonSerializer.Deserialize(utf8, Options.GetTypeInfo(type));
            return document is not null && UnknownFields.RemoveString(document.Unknown, "kind") is { } kind && KindType(kind) == type ? document : null;
        }
        catch (JsonException)
        {
            return null; // the polymorphic path reads it again and reports what is wrong
        }
    }

    /// <summary>The document type named by a trailing <c>"kind": "…"}</c>, or <see langword="null"/> (then only a parse can tell).</summary>
    internal static Type? DocumentTypeAtEnd(ReadOnlySpan<byte> utf8) =>
        KindAtEnd(utf8) is { IsEmpty: false } kind ? KindType(System.Text.Encoding.UTF8.GetString(kind)) : null;

    /// <summary>The UTF-8 value of a trailing <c>"kind": "…"}</c>, or an empty span (then only a parse can tell).</summary>
    /// <remarks>
    /// Reads the end of the text only, and touches none of the codec's static fields: a replay uses it to see which kinds
    /// a folder holds before it parses, on its own thread while the codec is prepared on another.
    /// </remarks>
    internal static ReadOnlySpan<byte> KindAtEnd(ReadOnlySpan<byte> utf8)
    {
        var text = utf8.TrimEnd(" \t\r\n"u8);
        if (!text.EndsWith("\"}"u8))
        {
            return default;
        }

        text = text[..^2];
        var open = text.LastIndexOf((byte)'"');
        if (open < 0)
        {
            return default;
        }

        var head = text[..open].TrimEnd(" \t\r\n"u8);
        return head.EndsWith(":"u8) && head[..^1].TrimEnd(" \t\r\n"u8).EndsWith("\"kind\""u8) ? text[(open + 1)..] : default;
    }

    /// <summary>The document type of a kind (<see cref="EventKinds"/>, the one list of kinds).</summary>
    private static Type? KindType(string kind) => EventKinds.DocumentType(kind);

    public static string SourceName(EventSource source) => EventSourceConverter.Instance.NameOf(source);

    private static Type DocumentType(ConversationEvent e) =>
        KindType(e.Kind) ?? throw new NotSupportedException($"Event type {e.GetType().Name} cannot be persisted.");

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
            InterruptEvent => new InterruptEventDocument(),
            StreamingDeltaEvent d => new StreamingDeltaEventDocument { Content = d.Content, ReasoningContent = d.ReasoningContent },
            UserRejectObservationEvent r => new UserRejectObservationDocument
            {
                ToolName = r.ToolName, ToolCallId = r.ToolCallId, RejectionReason = r.RejectionReason, RejectionSource = r.RejectionSource, ActionId = r.ActionId,
            },
            CondensationEvent c => new CondensationDocument
            {
                ForgottenEventIds = [.. c.ForgottenEventIds], Summary = c.Summary, SummaryOffset = c.SummaryOffset, LlmResponseId = c.LlmResponseId,
            },
            CondensationRequestEvent => new CondensationRequestDocument(),
            _ => throw new NotSupportedException($"Event type {e.GetType().Name} cannot be persisted."),
        };

        document.Id = e.Id;
        document.Timestamp = e.Timestamp;
        document.Source = e.Source;
        document.ParentId = e.ParentId;
        document.Unknown = UnknownFields.ForWrite(e.AdditionalProperties, "kind", UnknownFields.Element(e.Kind));
        return document;
    }

    private static ConversationEvent FromDocument(EventDocument document)
    {
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
            case InterruptEventDocument:
                return new InterruptEvent { Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others };
            case StreamingDeltaEventDocument d:
                return new StreamingDeltaEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    Content = d.Content, ReasoningContent = d.ReasoningContent,
                };
            case UserRejectObservationDocument r:
                return new UserRejectObservationEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    ToolName = r.ToolName ?? string.Empty,
                    ToolCallId = r.ToolCallId ?? string.Empty,
                    ActionId = Required(r.ActionId, "action_id"),
                    RejectionReason = r.RejectionReason ?? UserRejectObservationEvent.DefaultReason,
                    RejectionSource = r.RejectionSource ?? "user",
                };
            case CondensationDocument c:
                return new CondensationEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others,
                    ForgottenEventIds = c.ForgottenEventIds is null ? [] : [.. c.ForgottenEventIds],
                    Summary = c.Summary,
                    SummaryOffset = c.SummaryOffset,
                    LlmResponseId = c.LlmResponseId ?? string.Empty,
                };
            case CondensationRequestDocument:
                return new CondensationRequestEvent { Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = others };
            default:
                throw new NotSupportedException($"Event document {document.GetType().Name} has no event type.");
        }
    }

    /// <summary>An event of a kind this version does not model, kept whole (<paramref name="json"/>) with its common fields.</summary>
    private static UnknownEvent Unknown(EventDocument document, JsonElement json)
    {
        var id = document.Id ?? throw new LlmFormatException("the event has no 'id'");
        var kind = json.Deserialize(Options.Contract<EventKindDocument>())?.Kind ?? throw new LlmFormatException("the event has no 'kind'");
        return new UnknownEvent(kind, json) { Id = id, Timestamp = document.Timestamp, Source = document.Source, ParentId = document.ParentId };
    }

    private static string Required(string? value, string name) =>
        value ?? throw new LlmFormatException($"the event has no '{name}' string");
}
