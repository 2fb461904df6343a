using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>Reads and writes events in the Python SDK's JSON shape (compact, nulls omitted, <c>kind</c> last).</summary>
internal static class EventJsonCodec
{
    private static readonly string[] Common = ["id", "timestamp", "source", "parent_id", "kind"];

    public static byte[] ToBytes(ConversationEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter w, ConversationEvent e)
    {
        if (e is UnknownEvent unknown)
        {
            unknown.Json.WriteTo(w);
            return;
        }

        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("timestamp", e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
        w.WriteString("source", SourceName(e.Source));
        if (e.ParentId is not null)
        {
            w.WriteString("parent_id", e.ParentId);
        }

        switch (e)
        {
            case SystemPromptEvent s:
                WriteText(w, "system_prompt", s.SystemPrompt);
                w.WriteStartArray("tools");
                foreach (var tool in s.Tools)
                {
                    tool.WriteTo(w);
                }

                w.WriteEndArray();
                if (s.DynamicContext is not null)
                {
                    WriteText(w, "dynamic_context", s.DynamicContext);
                }

                break;
            case MessageEvent m:
                w.WriteStartObject("llm_message");
                w.WriteString("role", m.Role);
                w.WriteStartArray("content");
                WriteTextPart(w, m.Text);
                w.WriteEndArray();
                if (m.ReasoningContent is not null)
                {
                    w.WriteString("reasoning_content", m.ReasoningContent);
                }

                w.WriteStartArray("thinking_blocks");
                w.WriteEndArray();
                w.WriteEndObject();
                if (m.LlmResponseId is not null)
                {
                    w.WriteString("llm_response_id", m.LlmResponseId);
                }

                w.WriteStartArray("activated_skills");
                w.WriteEndArray();
                w.WriteStartArray("extended_content");
                w.WriteEndArray();
                if (m.Sender is not null)
                {
                    w.WriteString("sender", m.Sender);
                }

                break;
            case ActionEvent a:
                w.WriteStartArray("thought");
                if (a.Thought.Length > 0)
                {
                    WriteTextPart(w, a.Thought);
                }

                w.WriteEndArray();
                if (a.ReasoningContent is not null)
                {
                    w.WriteString("reasoning_content", a.ReasoningContent);
                }

                w.WriteStartArray("thinking_blocks");
                w.WriteEndArray();
                if (a.Action is { } action)
                {
                    w.WritePropertyName("action");
                    action.WriteTo(w);
                }

                w.WriteString("tool_name", a.ToolName);
                w.WriteString("tool_call_id", a.ToolCallId);
                w.WriteStartObject("tool_call");
                w.WriteString("id", a.ToolCall.Id);
                w.WriteString("name", a.ToolCall.Name);
                w.WriteString("arguments", a.ToolCall.Arguments);
                w.WriteString("origin", a.ToolCall.Origin);
                w.WriteEndObject();
                w.WriteString("llm_response_id", a.LlmResponseId);
                w.WriteString("security_risk", a.SecurityRisk);
                if (a.Summary is not null)
                {
                    w.WriteString("summary", a.Summary);
                }

                break;
            case ObservationEvent o:
                w.WriteString("tool_name", o.ToolName);
                w.WriteString("tool_call_id", o.ToolCallId);
                w.WriteStartObject("observation");
                w.WriteStartArray("content");
                WriteTextPart(w, o.Text);
                w.WriteEndArray();
                w.WriteBoolean("is_error", o.IsError);
                JsonRead.WriteProperties(w, o.ObservationFields);

                w.WriteString("kind", o.ObservationKind);
                w.WriteEndObject();
                w.WriteString("action_id", o.ActionId);
                w.WriteStartArray("extended_content");
                w.WriteEndArray();
                break;
            case AgentErrorEvent ae:
                w.WriteString("tool_name", ae.ToolName);
                w.WriteString("tool_call_id", ae.ToolCallId);
                w.WriteString("error", ae.Error);
                break;
            case ConversationErrorEvent ce:
                w.WriteString("code", ce.Code);
                w.WriteString("detail", ce.Detail);
                break;
            case ConversationStateUpdateEvent su:
                w.WriteString("key", su.Key);
                w.WritePropertyName("value");
                su.Value.WriteTo(w);
                break;
            case PauseEvent:
                break;
            default:
                throw new NotSupportedException($"Event type {e.GetType().Name} cannot be persisted.");
        }

        JsonRead.WriteProperties(w, e.AdditionalProperties);

        w.WriteString("kind", e.Kind);
        w.WriteEndObject();
    }

    /// <exception cref="LlmFormatException">The JSON is not a valid event.</exception>
    public static ConversationEvent Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new LlmFormatException("the event is not a JSON object");
        }

        var kind = JsonRead.StringProperty(root, "kind") ?? throw new LlmFormatException("the event has no 'kind'");
        var timestamp = JsonRead.StringProperty(root, "timestamp");
        var id = JsonRead.StringProperty(root, "id") ?? throw new LlmFormatException("the event has no 'id'");
        var time = timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var t) ? t : default;
        var source = ParseSource(JsonRead.StringProperty(root, "source"));
        var parent = JsonRead.StringProperty(root, "parent_id");
        switch (kind)
        {
            case "SystemPromptEvent":
                return new SystemPromptEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "system_prompt", "tools", "dynamic_context"]),
                    SystemPrompt = Text(root, "system_prompt") ?? string.Empty,
                    DynamicContext = Text(root, "dynamic_context"),
                    Tools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
                        ? [.. tools.EnumerateArray().Select(t => t.Clone())] : [],
                };
            case "MessageEvent":
                var message = root.TryGetProperty("llm_message", out var lm) && lm.ValueKind == JsonValueKind.Object
                    ? lm : throw new LlmFormatException("MessageEvent has no 'llm_message' object");
                return new MessageEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "llm_message", "llm_response_id", "activated_skills", "extended_content", "sender"]),
                    Role = JsonRead.StringProperty(message, "role") ?? "user",
                    Text = Text(message, "content") ?? string.Empty,
                    ReasoningContent = JsonRead.StringProperty(message, "reasoning_content"),
                    LlmResponseId = JsonRead.StringProperty(root, "llm_response_id"),
                    Sender = JsonRead.StringProperty(root, "sender"),
                };
            case "ActionEvent":
                var call = root.TryGetProperty("tool_call", out var tc) && tc.ValueKind == JsonValueKind.Object
                    ? tc : throw new LlmFormatException("ActionEvent has no 'tool_call' object");
                return new ActionEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "thought", "reasoning_content", "thinking_blocks", "action", "tool_name", "tool_call_id", "tool_call", "llm_response_id", "security_risk", "summary"]),
                    Thought = Text(root, "thought") ?? string.Empty,
                    ReasoningContent = JsonRead.StringProperty(root, "reasoning_content"),
                    Action = root.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.Object ? action.Clone() : null,
                    ToolName = Required(root, "tool_name"),
                    ToolCallId = Required(root, "tool_call_id"),
                    ToolCall = new ToolCallRecord(Required(call, "id"), Required(call, "name"), JsonRead.StringProperty(call, "arguments") ?? "{}", JsonRead.StringProperty(call, "origin") ?? "completion"),
                    LlmResponseId = JsonRead.StringProperty(root, "llm_response_id") ?? string.Empty,
                    SecurityRisk = JsonRead.StringProperty(root, "security_risk") ?? "UNKNOWN",
                    Summary = JsonRead.StringProperty(root, "summary"),
                };
            case "ObservationEvent":
                var observation = root.TryGetProperty("observation", out var ob) && ob.ValueKind == JsonValueKind.Object
                    ? ob : throw new LlmFormatException("ObservationEvent has no 'observation' object");
                return new ObservationEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "tool_name", "tool_call_id", "observation", "action_id", "extended_content"]),
                    ToolName = Required(root, "tool_name"),
                    ToolCallId = Required(root, "tool_call_id"),
                    ActionId = Required(root, "action_id"),
                    ObservationKind = JsonRead.StringProperty(observation, "kind") ?? "Observation",
                    Text = Text(observation, "content") ?? string.Empty,
                    IsError = observation.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True,
                    ObservationFields = JsonRead.Others(observation, ["content", "is_error", "kind"]),
                };
            case "AgentErrorEvent":
                return new AgentErrorEvent { Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "tool_name", "tool_call_id", "error"]), ToolName = JsonRead.StringProperty(root, "tool_name") ?? string.Empty, ToolCallId = JsonRead.StringProperty(root, "tool_call_id") ?? string.Empty, Error = JsonRead.StringProperty(root, "error") ?? string.Empty };
            case "ConversationErrorEvent":
                return new ConversationErrorEvent { Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "code", "detail"]), Code = JsonRead.StringProperty(root, "code") ?? string.Empty, Detail = JsonRead.StringProperty(root, "detail") ?? string.Empty };
            case "ConversationStateUpdateEvent":
                return new ConversationStateUpdateEvent
                {
                    Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common, "key", "value"]),
                    Key = Required(root, "key"),
                    Value = root.TryGetProperty("value", out var value) ? value.Clone() : default,
                };
            case "PauseEvent":
                return new PauseEvent { Id = id, Timestamp = time, Source = source, ParentId = parent, AdditionalProperties = JsonRead.Others(root, [.. Common]) };
            default:
                return new UnknownEvent(kind, root.Clone()) { Id = id, Timestamp = time, Source = source, ParentId = parent };
        }
    }

    public static string SourceName(EventSource source) => source switch
    {
        EventSource.Agent => "agent",
        EventSource.User => "user",
        EventSource.Hook => "hook",
        _ => "environment",
    };

    private static EventSource ParseSource(string? source) => source switch
    {
        "agent" => EventSource.Agent,
        "user" => EventSource.User,
        "hook" => EventSource.Hook,
        _ => EventSource.Environment,
    };

    private static void WriteText(Utf8JsonWriter w, string name, string text)
    {
        w.WritePropertyName(name);
        WriteTextPart(w, text);
    }

    private static void WriteTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteBoolean("cache_prompt", false);
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    /// <summary>Reads a text value: a string, a text part object, or an array of parts (text parts joined).</summary>
    private static string? Text(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => JsonRead.StringProperty(value, "text"),
            JsonValueKind.Array => string.Join("\n", value.EnumerateArray()
                .Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : p.ValueKind == JsonValueKind.Object ? JsonRead.StringProperty(p, "text") : null)
                .Where(t => t is not null)),
            _ => null,
        };
    }

    private static string Required(JsonElement parent, string name) =>
        JsonRead.StringProperty(parent, name) ?? throw new LlmFormatException($"the event has no '{name}' string");

}
