using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// The wire shapes of conversations shared by the REST and websocket endpoints: the conversation info, the event filters
/// and paging of the reference, and message text.
/// </summary>
internal static class ConversationsWire
{
    /// <summary>The event filters of a search or count query (<c>kind</c>, <c>source</c>, <c>body</c>, <c>timestamp__gte</c>, <c>timestamp__lt</c>).</summary>
    public static EventFilter EventsFilter(IQueryCollection query) => new(
        query["kind"].FirstOrDefault(),
        query["source"].FirstOrDefault(),
        query["body"].FirstOrDefault(),
        Timestamp(query["timestamp__gte"].FirstOrDefault(), "timestamp__gte"),
        Timestamp(query["timestamp__lt"].FirstOrDefault(), "timestamp__lt"));

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

    public static (int Offset, int Limit) Paging(IQueryCollection query)
    {
        var limit = QueryValues.Limit(query);

        var offset = 0;
        if (query["page_id"].FirstOrDefault() is { Length: > 0 } p)
        {
            offset = int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var o) && o >= 0 ? o
                : throw ApiException.Validation("page_id is not a page id from this server", "value_error", "query", "page_id");
        }

        return (offset, limit);
    }

    /// <summary>The items of one page and the id of the next (an offset), or <see langword="null"/> after the last.</summary>
    public static (List<T> Items, string? Next) Slice<T>(IReadOnlyList<T> items, int offset, int limit)
    {
        var page = items.Skip(offset).Take(limit).ToList();
        return (page, offset + limit < items.Count ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The text of a user message: its text parts, joined by newlines; a 422 at <paramref name="loc"/> when it has none.</summary>
    public static string MessageText(List<MessagePart?>? content, params string[] loc)
    {
        if (content is null)
        {
            throw ApiException.Validation("content must be a list of {\"type\":\"text\",\"text\":...} parts", "list_type", [.. loc, "content"]);
        }

        var text = string.Join("\n", content.Where(p => p?.Text is not null && (p.Type is null or "text")).Select(p => p!.Text));
        return text.Length > 0 ? text : throw ApiException.Validation("The message has no text part", "value_error", [.. loc, "content"]);
    }

    /// <summary>A 422 unless <paramref name="role"/> is absent or <c>user</c>: only user messages can be posted.</summary>
    public static void RequireUserRole(string? role, params string[] loc)
    {
        if (role is not (null or "user"))
        {
            throw ApiException.Validation("Only role 'user' messages can be posted", "literal_error", [.. loc, "role"]);
        }
    }

    public static string StatusName(ConversationExecutionStatus status) => EventJson.StatusName(status);

    /// <summary>
    /// The info of a conversation, loaded (its live LLM, every damaged file) or not loaded yet (its stored snapshot, and
    /// the damage of its state and <c>meta.json</c> only: see <see cref="ConversationSummary"/>).
    /// </summary>
    public static ConversationInfo Info(IConversationView entry)
    {
        var state = entry.State;
        var llm = entry.Llm;
        var usage = ConversationUsage.Sum(state.Metrics.Values);
        return new ConversationInfo
        {
            Id = entry.Id.ToString(),
            Agent = new AgentInfo
            {
                // The usage id a profile-bound conversation reports its costs under (the seed PR's profile:{id}).
                Llm = WireLlm.Snapshot(state.LlmProfile is { } bound ? llm with { UsageId = "profile:" + bound.Name.Value } : llm),
                Tools = [.. state.Tools.Select(t => new ToolDocument { Name = t.Name })],
            },
            LlmProfile = state.LlmProfile?.Name.Value,
            LlmProfileId = state.LlmProfile?.Name.Value,
            LaunchedAgentProfile = entry.LaunchedAgentProfile,
            Workspace = new WorkspaceRequest { WorkingDir = state.WorkingDirectory },
            MaxIterations = state.MaxIterations,
            ExecutionStatus = StatusName(state.ExecutionStatus),
            ConfirmationPolicy = ConfirmationPolicyJson.ToElement(state.ConfirmationPolicy).Deserialize(WireJson.Contract<ConfirmationPolicyDocument>()),
            SecurityAnalyzer = ControlWire.Show(state.SecurityAnalyzer),
            Title = entry.Title,
            Tags = new Dictionary<string, string>(entry.Tags, StringComparer.Ordinal),
            CreatedAt = entry.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            UpdatedAt = entry.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            CurrentModelId = llm.Model,
            Metrics = new MetricsDocument
            {
                AccumulatedCost = usage.Cost,
                Calls = usage.Calls,
                AccumulatedTokenUsage = new TokenUsageDocument
                {
                    PromptTokens = usage.PromptTokens,
                    CompletionTokens = usage.CompletionTokens,
                    CacheReadTokens = usage.CacheReadTokens,
                    ReasoningTokens = usage.ReasoningTokens,
                },
            },
            DamagedFiles = entry.Damage.Count == 0 ? null : [.. entry.Damage.Select(d => new DamagedFileInfo
            {
                File = d.File,
                Kind = d.Kind == OpenHands.Sdk.Conversations.Persistence.ConversationFileDamageKind.Missing ? "missing" : "unreadable",
                Problem = d.Problem,
                EventIndex = d.EventIndex,
                EventId = d.EventId,
            })],
            ReadOnly = entry.Damage.Count == 0 ? null : entry.IsReadOnly,
        };
    }
}
