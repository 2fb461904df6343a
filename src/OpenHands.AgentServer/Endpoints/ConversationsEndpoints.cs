using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using static OpenHands.AgentServer.Endpoints.ConversationsWire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/api/conversations</c> and their events. Conversations hold a profile reference, never a key.</summary>
internal static class ConversationsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var c = api.MapGroup("/conversations").WithTags("conversations");
        c.MapPost("", (Func<HttpContext, Task<IResult>>)(http => StartAsync(new ServerContext(http))));
        c.MapGet("/search", (Func<HttpContext, Task<IResult>>)(http => SearchAsync(new ServerContext(http))));
        c.MapGet("/count", (Func<HttpContext, Task<IResult>>)(http => CountAsync(new ServerContext(http))));
        c.MapGet("", (Func<HttpContext, Task<IResult>>)(http => BatchGetAsync(new ServerContext(http))));
        c.MapGet("/{id}", (Func<HttpContext, string, Task<IResult>>)((http, id) => GetAsync(new ServerContext(http), id)));
        c.MapDelete("/{id}", (Func<HttpContext, string, Task<IResult>>)((http, id) => DeleteAsync(new ServerContext(http), id)));
        c.MapPatch("/{id}", (Func<HttpContext, string, Task<IResult>>)((http, id) => UpdateAsync(new ServerContext(http), id)));
        c.MapPost("/{id}/run", (Func<HttpContext, string, Task<IResult>>)((http, id) => RunAsync(new ServerContext(http), id)));
        c.MapPost("/{id}/pause", (Func<HttpContext, string, Task<IResult>>)((http, id) => PauseAsync(new ServerContext(http), id)));
        c.MapPost("/{id}/switch_profile", (Func<HttpContext, string, Task<IResult>>)((http, id) => SwitchProfileAsync(new ServerContext(http), id)));
        c.MapPost("/{id}/switch_llm", (Func<HttpContext, string, Task<IResult>>)((http, id) => SwitchLlmAsync(new ServerContext(http), id)));
        c.MapPost("/{id}/events", (Func<HttpContext, string, Task<IResult>>)((http, id) => PostEventAsync(new ServerContext(http), id)));
        c.MapGet("/{id}/events/search", (Func<HttpContext, string, Task<IResult>>)((http, id) => SearchEventsAsync(new ServerContext(http), id)));
        c.MapGet("/{id}/events/count", (Func<HttpContext, string, Task<IResult>>)((http, id) => CountEventsAsync(new ServerContext(http), id)));
        c.MapGet("/{id}/events/{eventId}", (Func<HttpContext, string, string, Task<IResult>>)((http, id, eventId) => GetEventAsync(new ServerContext(http), id, eventId)));
    }

    private static ConversationService Service(ServerContext s) => s.Http.RequestServices.GetRequiredService<ConversationService>();

    private static async Task<IResult> StartAsync(ServerContext s)
    {
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var service = Service(s);
        Guid? id = null;
        if (RequestJson.OptionalString(body, "conversation_id") is { } idText)
        {
            id = Guid.TryParse(idText, out var g) ? g : throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "body", "conversation_id");
            if (await service.TryGetAsync(g, s.Aborted).ConfigureAwait(false) is { } existing)
            {
                return ApiResults.Json(Info(existing), StatusCodes.Status200OK);
            }
        }

        var agentElement = RequestJson.Optional(body, "agent") is { ValueKind: not JsonValueKind.Null } a ? RequestJson.RequiredObject(body, "agent") : (JsonElement?)null;
        var profileText = RequestJson.OptionalString(body, "llm_profile");

        // Everything is validated before anything is read or written. A profile is then read once, by reference, and
        // never written back: a delete, rename or key rotation racing this start is never undone.
        ProfileReference? profile = null;
        Llm? inlineLlm = null;
        if (profileText is not null)
        {
            profile = new ProfileReference(Names.Parse(profileText, "body", "llm_profile"));
        }
        else if (agentElement is { } agentObject && agentObject.TryGetProperty("llm", out var llmElement) && llmElement.ValueKind != JsonValueKind.Null)
        {
            if (llmElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.Validation("Input should be a valid dictionary or object", "model_type", "body", "agent", "llm");
            }

            // Legacy: an inline LLM is materialized once into a profile (its key never reaches the conversation files).
            inlineLlm = s.ReadLlm(llmElement, "body", "agent", "llm");
        }

        var tools = ImmutableArray<ToolSpec>.Empty;
        if (agentElement is { } ag && ag.TryGetProperty("tools", out var toolsElement) && toolsElement.ValueKind == JsonValueKind.Array)
        {
            tools = [.. toolsElement.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? new ToolSpec(n.GetString()!)
                : throw ApiException.Validation("Each tool needs a string 'name'", "value_error", "body", "agent", "tools"))];
        }

        int? maxIterations = null;
        if (RequestJson.Optional(body, "max_iterations") is { } mi)
        {
            maxIterations = mi.ValueKind == JsonValueKind.Number && mi.TryGetInt32(out var m) && m > 0 ? m
                : throw ApiException.Validation("Input should be a positive integer", "int_type", "body", "max_iterations");
        }

        string? workingDir = null;
        if (RequestJson.Optional(body, "workspace") is { ValueKind: JsonValueKind.Object } ws)
        {
            workingDir = RequestJson.OptionalString(ws, "working_dir");
        }

        ConversationService.Entry entry;
        bool created;
        try
        {
            (entry, created) = await service.StartAsync(profile, inlineLlm, tools, id, maxIterations, workingDir, s.Aborted).ConfigureAwait(false);
        }
        catch (ProfileNotFoundException e) when (e.ProfileName is null)
        {
            throw ApiException.Validation(
                "No LLM for this conversation: send llm_profile or agent.llm, or create a profile with POST /api/profiles/{name} "
                + "and activate it with POST /api/profiles/{name}/activate. " + e.Message,
                "missing", "body", "llm_profile");
        }

        string? notice = inlineLlm is not null && created
            ? $"agent.llm was stored as LLM profile '{entry.Conversation.State.LlmProfile?.Name}'; the conversation refers to it. Send llm_profile instead."
            : null;

        if (RequestJson.Optional(body, "initial_message") is { ValueKind: JsonValueKind.Object } initial)
        {
            await entry.Conversation.SendMessageAsync(MessageText(initial, "initial_message"), s.Aborted).ConfigureAwait(false);
            if (RequestJson.OptionalBool(initial, "run", fallback: false))
            {
                service.TryStartRun(entry);
            }
        }

        if (notice is not null)
        {
            s.Http.Response.Headers["Deprecation"] = "true";
            s.Http.Response.Headers[SettingsEndpoints.DeprecationNoticeHeader] = notice;
        }

        return ApiResults.Json(Info(entry), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAsync(ServerContext s, string id) =>
        ApiResults.Json(Info(await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false)));

    private static async Task<IResult> BatchGetAsync(ServerContext s)
    {
        var ids = s.Http.Request.Query["ids"];
        if (ids.Count == 0 || ids.Count >= 100)
        {
            throw ApiException.Validation("Give 1 to 99 ids", "value_error", "query", "ids");
        }

        var result = new JsonArray();
        foreach (var text in ids)
        {
            if (!Guid.TryParse(text, out var g))
            {
                throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "query", "ids");
            }

            result.Add(await Service(s).TryGetAsync(g, s.Aborted).ConfigureAwait(false) is { } e ? Info(e) : null);
        }

        return ApiResults.Json(result);
    }

    private static async Task<IResult> SearchAsync(ServerContext s)
    {
        var (offset, limit) = Paging(s.Http.Request);
        var status = s.Http.Request.Query["status"].FirstOrDefault();
        var sortOrder = s.Http.Request.Query["sort_order"].FirstOrDefault() ?? "CREATED_AT_DESC";
        Func<ConversationService.Entry, DateTimeOffset> key = sortOrder switch
        {
            "CREATED_AT" or "CREATED_AT_DESC" => e => e.CreatedAt,
            "UPDATED_AT" or "UPDATED_AT_DESC" => e => e.UpdatedAt,
            _ => throw ApiException.Validation(
                "sort_order must be one of CREATED_AT, UPDATED_AT, CREATED_AT_DESC, UPDATED_AT_DESC", "enum", "query", "sort_order"),
        };
        var all = (await Service(s).AllAsync(s.Aborted).ConfigureAwait(false))
            .Where(e => status is null || string.Equals(StatusName(e.Conversation.State.ExecutionStatus), status, StringComparison.OrdinalIgnoreCase));
        all = sortOrder.EndsWith("_DESC", StringComparison.Ordinal)
            ? all.OrderByDescending(key).ThenBy(e => e.Conversation.Id)
            : all.OrderBy(key).ThenBy(e => e.Conversation.Id);
        return ApiResults.Json(Page(all.Select(Info).ToList(), offset, limit));
    }

    private static async Task<IResult> CountAsync(ServerContext s)
    {
        var status = s.Http.Request.Query["status"].FirstOrDefault();
        var all = await Service(s).AllAsync(s.Aborted).ConfigureAwait(false);
        return ApiResults.Json(JsonValue.Create(all.Count(e => status is null || string.Equals(StatusName(e.Conversation.State.ExecutionStatus), status, StringComparison.OrdinalIgnoreCase))));
    }

    private static async Task<IResult> DeleteAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        await Service(s).DeleteAsync(entry.Conversation.Id).ConfigureAwait(false);
        return ApiResults.Success();
    }

    private static async Task<IResult> UpdateAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        string? title = null;
        if (RequestJson.OptionalString(body, "title") is { } t)
        {
            title = t.Length is >= 1 and <= 200 ? t : throw ApiException.Validation("title must have 1-200 characters", "string_too_long", "body", "title");
        }

        ImmutableSortedDictionary<string, string>? tags = null;
        if (RequestJson.Optional(body, "tags") is { ValueKind: not JsonValueKind.Null } tagsElement)
        {
            if (tagsElement.ValueKind != JsonValueKind.Object || tagsElement.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
            {
                throw ApiException.Validation("tags must be an object of strings", "dict_type", "body", "tags");
            }

            tags = tagsElement.EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        }

        entry.Update(title, tags);
        return ApiResults.Success();
    }

    private static async Task<IResult> RunAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        return Service(s).TryStartRun(entry)
            ? ApiResults.Success()
            : throw new ApiException(StatusCodes.Status409Conflict, "Conversation already running. Wait for completion or pause first.");
    }

    private static async Task<IResult> PauseAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        await entry.Conversation.PauseAsync(s.Aborted).ConfigureAwait(false);
        return ApiResults.Success();
    }

    private static async Task<IResult> SwitchProfileAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var name = Names.Parse(RequestJson.RequiredString(body, "profile_name"), "body", "profile_name");
        await entry.Conversation.SwitchProfileAsync(name, s.Aborted).ConfigureAwait(false);
        return ApiResults.Success();
    }

    private static async Task<IResult> SwitchLlmAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var llm = s.ReadLlm(RequestJson.RequiredObject(body, "llm"), "body", "llm");
#pragma warning disable CS0618 // The legacy endpoint maps to the obsolete raw switch, which materializes a profile first.
        await entry.Conversation.SwitchLlmAsync(llm, s.Aborted).ConfigureAwait(false);
#pragma warning restore CS0618
        s.Http.Response.Headers["Deprecation"] = "true";
        s.Http.Response.Headers[SettingsEndpoints.DeprecationNoticeHeader] =
            $"switch_llm is deprecated: the LLM was stored as LLM profile '{entry.Conversation.State.LlmProfile?.Name}'. Use switch_profile.";
        return ApiResults.Success();
    }

    private static async Task<IResult> PostEventAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var role = RequestJson.OptionalString(body, "role") ?? "user";
        if (role != "user")
        {
            throw ApiException.Validation("Only role 'user' messages can be posted", "literal_error", "body", "role");
        }

        await entry.Conversation.SendMessageAsync(MessageText(body, null), s.Aborted).ConfigureAwait(false);
        if (RequestJson.OptionalBool(body, "run", fallback: false))
        {
            Service(s).TryStartRun(entry);
        }

        return ApiResults.Success();
    }

    private static async Task<IResult> SearchEventsAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        var (offset, limit) = Paging(s.Http.Request);
        var events = FilterEvents(s.Http.Request, entry.Conversation.Events);
        if (s.Http.Request.Query["sort_order"].FirstOrDefault() == "TIMESTAMP_DESC")
        {
            events = [.. events.AsEnumerable().Reverse()];
        }

        return ApiResults.Json(Page([.. events.Select(EventJson)], offset, limit));
    }

    private static async Task<IResult> CountEventsAsync(ServerContext s, string id)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        return ApiResults.Json(JsonValue.Create(FilterEvents(s.Http.Request, entry.Conversation.Events).Count));
    }

    private static async Task<IResult> GetEventAsync(ServerContext s, string id, string eventId)
    {
        var entry = await Service(s).GetAsync(id, s.Aborted).ConfigureAwait(false);
        var found = entry.Conversation.Events.FirstOrDefault(e => e.Id == eventId)
            ?? throw ApiException.NotFound($"Event not found: {eventId}");
        return ApiResults.Json(EventJson(found));
    }
}
