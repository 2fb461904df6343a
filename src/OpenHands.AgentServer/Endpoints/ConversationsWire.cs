using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// The wire shapes of conversations shared by the REST and websocket endpoints: the conversation info, event JSON, the
/// event filters and paging of the reference, and message text.
/// </summary>
internal static class ConversationsWire
{
    public static List<ConversationEvent> FilterEvents(HttpRequest request, IReadOnlyList<ConversationEvent> events)
    {
        var query = request.Query;
        var kind = query["kind"].FirstOrDefault();
        var source = query["source"].FirstOrDefault();
        var body = query["body"].FirstOrDefault();
        var from = Timestamp(query["timestamp__gte"].FirstOrDefault(), "timestamp__gte");
        var to = Timestamp(query["timestamp__lt"].FirstOrDefault(), "timestamp__lt");
        return [.. events.Where(e => (kind is null || e.Kind == kind)
            && (source is null || EventJsonCodec.SourceName(e.Source) == source)
            && (from is null || e.Timestamp >= from)
            && (to is null || e.Timestamp < to)
            && (body is null || (EventText(e)?.Contains(body, StringComparison.OrdinalIgnoreCase) ?? false)))];
    }

    /// <summary>Parses an ISO-8601 query timestamp; one without an offset is UTC (Python naive datetimes are).</summary>
    public static DateTimeOffset? Timestamp(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var value)
            ? value
            : throw ApiException.Validation($"{field} must be an ISO-8601 date and time, e.g. 2026-01-31T12:00:00Z", "datetime_parsing", "query", field);
    }

    /// <summary>The text the <c>body</c> filter searches: a message's text, an action's thought, an observation's output.</summary>
    private static string? EventText(ConversationEvent e) => e switch
    {
        MessageEvent m => m.Text,
        ActionEvent a => a.Thought,
        ObservationEvent o => o.Text,
        _ => null,
    };

    public static (int Offset, int Limit) Paging(HttpRequest request)
    {
        var limit = 100;
        if (request.Query["limit"].FirstOrDefault() is { } l)
        {
            limit = int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 100 ? v
                : throw ApiException.Validation("limit must be an integer from 1 to 100", "int_parsing", "query", "limit");
        }

        var offset = 0;
        if (request.Query["page_id"].FirstOrDefault() is { Length: > 0 } p)
        {
            offset = int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var o) && o >= 0 ? o
                : throw ApiException.Validation("page_id is not a page id from this server", "value_error", "query", "page_id");
        }

        return (offset, limit);
    }

    public static JsonObject Page<T>(List<T> items, int offset, int limit)
        where T : JsonNode
    {
        var page = new JsonArray([.. items.Skip(offset).Take(limit).Select(i => (JsonNode?)i)]);
        var next = offset + limit < items.Count ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null;
        return new JsonObject { ["items"] = page, ["next_page_id"] = next };
    }

    public static JsonNode EventJson(ConversationEvent e) => JsonNode.Parse(EventJsonCodec.ToBytes(e))!;

    public static string MessageText(JsonElement message, string? field)
    {
        string[] loc = field is null ? ["body", "content"] : ["body", field, "content"];
        if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.Validation("content must be a list of {\"type\":\"text\",\"text\":...} parts", "list_type", loc);
        }

        var text = string.Join("\n", content.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(p => p.GetProperty("text").GetString()));
        return text.Length > 0 ? text : throw ApiException.Validation("The message has no text part", "value_error", loc);
    }

    public static string StatusName(ConversationExecutionStatus status) => ConversationStateCodec.StatusName(status);

    public static JsonObject Info(ConversationService.Entry entry)
    {
        var c = entry.Conversation;
        var state = c.State;
        var llm = ProfilesEndpoints.LlmToJson(c.Agent.Llm, SecretExposure.Redacted, cipher: null);
        llm["api_key"] = null;
        var tags = new JsonObject();
        foreach (var (k, v) in entry.Tags)
        {
            tags[k] = v;
        }

        var info = new JsonObject
        {
            ["id"] = c.Id.ToString(),
            ["agent"] = new JsonObject
            {
                ["kind"] = "Agent",
                ["llm"] = llm,
                ["tools"] = new JsonArray([.. state.Tools.Select(t => (JsonNode?)new JsonObject { ["name"] = t.Name })]),
            },
            ["llm_profile"] = state.LlmProfile?.Name.Value,
            ["workspace"] = new JsonObject { ["working_dir"] = state.WorkingDirectory },
            ["max_iterations"] = state.MaxIterations,
            ["execution_status"] = StatusName(state.ExecutionStatus),
            ["title"] = entry.Title,
            ["tags"] = tags,
            ["created_at"] = entry.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["updated_at"] = entry.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["current_model_id"] = c.Agent.Llm.Model,
        };

        // Runtime (damaged files, issue 11): only for a conversation with a damaged file, so the healthy shape is unchanged.
        if (entry.Damage.Count > 0)
        {
            info["damaged_files"] = new JsonArray([.. entry.Damage.Select(d => (JsonNode?)new JsonObject
            {
                ["file"] = d.File,
                ["kind"] = d.Kind == OpenHands.Sdk.Conversations.Persistence.ConversationFileDamageKind.Missing ? "missing" : "unreadable",
                ["problem"] = d.Problem,
                ["event_index"] = d.EventIndex,
                ["event_id"] = d.EventId,
            })]);
            info["read_only"] = entry.IsReadOnly;
        }

        return info;
    }
}
