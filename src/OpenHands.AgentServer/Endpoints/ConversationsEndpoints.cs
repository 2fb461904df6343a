using System.Collections.Immutable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;
using static OpenHands.AgentServer.Endpoints.ConversationsWire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/api/conversations</c> and their events. Conversations hold a profile reference, never a key.</summary>
internal static class ConversationsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var c = api.MapGroup("/conversations").WithTags("conversations");
        c.MapPost("", StartAsync).Errors(404, 409, 413, 422, 503);
        c.MapGet("/search", SearchAsync).Errors(422);
        c.MapGet("/count", CountAsync);
        c.MapGet("", BatchGetAsync).Errors(422);
        c.MapGet("/{id}", GetAsync).Errors(404, 422);
        c.MapDelete("/{id}", DeleteAsync).Errors(404, 422);
        c.MapPatch("/{id}", UpdateAsync).Errors(404, 413, 422);
        c.MapPost("/{id}/run", RunAsync).Errors(404, 409, 422);
        c.MapPost("/{id}/pause", PauseAsync).Errors(404, 422);
        c.MapPost("/{id}/switch_profile", SwitchProfileAsync).Errors(404, 413, 422, 503);
        c.MapPost("/{id}/llm_profile", SetLlmProfileAsync).Errors(404, 409, 413, 422, 503);
        c.MapPost("/{id}/switch_llm", SwitchLlmAsync).Errors(404, 409, 413, 422, 503);
        c.MapPost("/{id}/events", PostEventAsync).Errors(404, 413, 422);
        c.MapGet("/{id}/events/search", SearchEventsAsync).Errors(404, 422);
        c.MapGet("/{id}/events/count", CountEventsAsync).Errors(404, 422);
        c.MapGet("/{id}/events/{eventId}", GetEventAsync).Errors(404, 422);
    }

    private static async Task<Results<WireCreated<ConversationInfo>, WireOk<ConversationInfo>>> StartAsync(
        WireBody<StartConversationRequest> body, HttpResponse response, ConversationService service, ConversationFactory factory, ServerCipher cipher,
        IAgentProfileStore agentProfiles, ILlmProfileStore profiles, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var request = body.Value;
        StartProfileReference.Validate(request);
        Guid? id = null;
        if (request.ConversationId is { } idText)
        {
            id = Guid.TryParse(idText, out var g) ? g : throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "body", "conversation_id");
            if (await service.TryGetAsync(g, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return new WireOk<ConversationInfo>(Info(existing));   // the profile is not resolved, let alone applied
            }
        }

        // Everything is validated before anything is written. A profile is then read once, by reference, and never
        // written back: a delete, rename or key rotation racing this start is never undone.
        Llm? inlineLlm = null;
        var named = StartProfileReference.Named(request);
        var reference = await StartProfileReference.ResolveAsync(request, agentProfiles, profiles, settings, cancellationToken).ConfigureAwait(false);
        if (!named && request.Agent?.Llm is { } llmDocument)
        {
            // Legacy: an inline LLM is materialized once into a profile (its key never reaches the conversation files).
            inlineLlm = WireLlm.Read(llmDocument, cipher.Cipher, "body", "agent", "llm");
        }

        var tools = reference.Tools is { } profileTools ? Validated(profileTools, factory) : Tools(request.Agent?.Tools, factory);
        if (request.MaxIterations is <= 0)
        {
            throw ApiException.Validation("Input should be greater than or equal to 1", "greater_than_equal", "body", "max_iterations");
        }

        var workingDir = WorkingDirectory(request.Workspace?.WorkingDir);
        string? initialText = null;
        if (request.InitialMessage is { } initial)
        {
            RequireUserRole(initial.Role, "body", "initial_message");
            initialText = MessageText(initial.Content, "body", "initial_message");
        }

        var spec = new ConversationService.StartSpec
        {
            Profile = reference.LlmProfile,
            Launched = reference.Launched,
            InlineLlm = inlineLlm,
            Tools = tools,
            Id = id,
            MaxIterations = request.MaxIterations,
            WorkingDirectory = workingDir,
            McpConfig = ControlWire.Mcp(request.Agent?.McpConfig, "body", "agent", "mcp_config") ?? reference.Mcp,
            Condenser = ControlWire.Condenser(request.Agent?.Condenser, request.CondenserProfile, "body", "agent", "condenser"),
            ConfirmationPolicy = request.ConfirmationPolicy is { } policy ? ControlWire.Policy(policy, "body", "confirmation_policy") : null,
            SecurityAnalyzer = ControlWire.Analyzer(request.SecurityAnalyzer, "body", "security_analyzer"),
            StuckDetection = request.StuckDetection,
            Secrets = ControlWire.Secrets(request.Secrets, "body", "secrets"),
        };
        ConversationService.Entry entry;
        bool created;

        // The id's lease is held from here until the initial message (and the run's own hold, if it runs) are in.
        spec = spec with { NewId = id ?? Guid.NewGuid() };
        await using var hold = await service.HoldNewAsync(spec.NewId.Value, cancellationToken).ConfigureAwait(false);
        try
        {
            (entry, created) = await service.StartAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileNotFoundException e) when (e.ProfileName is null)
        {
            throw ApiException.Validation(
                "No LLM for this conversation: send llm_profile or agent.llm, or create a profile with POST /api/profiles/{name} "
                + "and activate it with POST /api/profiles/{name}/activate. " + e.Message,
                "missing", "body", "llm_profile");
        }

        if (initialText is not null && created)
        {
            await entry.Conversation.SendMessageAsync(initialText, cancellationToken).ConfigureAwait(false);
            if (request.InitialMessage!.Run)
            {
                service.TryStartRun(entry);
            }
        }

        if (inlineLlm is not null && created)
        {
            response.Headers["Deprecation"] = "true";
            response.Headers[SettingsEndpoints.DeprecationNoticeHeader] =
                $"agent.llm was stored as LLM profile '{entry.Conversation.State.LlmProfile?.Name}'; the conversation refers to it. Send llm_profile instead.";
        }

        // 201 for a new conversation, 200 for an existing id (as the reference).
        return created ? new WireCreated<ConversationInfo>(Info(entry)) : new WireOk<ConversationInfo>(Info(entry));
    }

    private static async Task<WireOk<ConversationInfo>> GetAsync(string id, ConversationService service, CancellationToken cancellationToken) =>
        new(Info(await service.GetAsync(id, cancellationToken).ConfigureAwait(false)));

    private static async Task<WireOk<List<ConversationInfo?>>> BatchGetAsync(HttpRequest request, ConversationService service, CancellationToken cancellationToken)
    {
        var ids = request.Query["ids"];
        if (ids.Count is 0 or >= 100)
        {
            throw ApiException.Validation("Give 1 to 99 ids", "value_error", "query", "ids");
        }

        var parsed = ids.Select(text => Guid.TryParse(text, out var g) ? g : throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "query", "ids")).ToList();
        var result = new List<ConversationInfo?>(parsed.Count);
        foreach (var g in parsed)
        {
            result.Add(await service.ViewAsync(g, cancellationToken).ConfigureAwait(false) is { } e ? Info(e) : null);   // loads none
        }

        return new(result);
    }

    private static async Task<WireOk<Page<ConversationInfo>>> SearchAsync(HttpRequest request, ConversationService service, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request.Query);
        var status = request.Query["status"].FirstOrDefault();
        var sortOrder = request.Query["sort_order"].FirstOrDefault() ?? "CREATED_AT_DESC";
        Func<IConversationView, DateTimeOffset> key = sortOrder switch
        {
            "CREATED_AT" or "CREATED_AT_DESC" => e => e.CreatedAt,
            "UPDATED_AT" or "UPDATED_AT_DESC" => e => e.UpdatedAt,
            _ => throw ApiException.Validation(
                "sort_order must be one of CREATED_AT, UPDATED_AT, CREATED_AT_DESC, UPDATED_AT_DESC", "enum", "query", "sort_order"),
        };
        // From metadata: the loaded conversations as they are, the others from their state and meta.json files (no history read).
        var all = (await service.ListAsync(cancellationToken).ConfigureAwait(false)).Where(e => HasStatus(e, status));
        all = sortOrder.EndsWith("_DESC", StringComparison.Ordinal)
            ? all.OrderByDescending(key).ThenBy(e => e.Id)
            : all.OrderBy(key).ThenBy(e => e.Id);
        var (items, next) = Slice(all.ToList(), offset, limit);
        return new(new Page<ConversationInfo> { Items = [.. items.Select(Info)], NextPageId = next });
    }

    private static async Task<WireOk<int>> CountAsync(HttpRequest request, ConversationService service, CancellationToken cancellationToken)
    {
        var status = request.Query["status"].FirstOrDefault();
        return new((await service.ListAsync(cancellationToken).ConfigureAwait(false)).Count(e => HasStatus(e, status)));
    }

    private static async Task<WireOk<SuccessResponse>> DeleteAsync(string id, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        await service.DeleteAsync(entry.Conversation.Id).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> UpdateAsync(
        string id, WireBody<UpdateConversationRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var title = body.Value.Title;
        if (title is { Length: < 1 or > 200 })
        {
            throw ApiException.Validation("title must have 1-200 characters", "string_too_long", "body", "title");
        }

        var tags = body.Value.Tags?.ToImmutableSortedDictionary(StringComparer.Ordinal);
        entry.Update(title, tags);
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> RunAsync(string id, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        return service.TryStartRun(entry)
            ? new(SuccessResponse.Instance)
            : throw new ApiException(StatusCodes.Status409Conflict, "Conversation already running. Wait for completion or pause first.");
    }

    private static async Task<WireOk<SuccessResponse>> PauseAsync(string id, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        await entry.Conversation.PauseAsync(cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> SwitchProfileAsync(
        string id, WireBody<SwitchProfileRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        var name = Names.Parse(body.Value.ProfileName ?? throw ApiException.Validation("Field required", "missing", "body", "profile_name"), "body", "profile_name");
        await entry.Conversation.SwitchProfileAsync(name, cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    /// <summary>
    /// The seed PR's switch: binds an idle conversation to another LLM profile (read fresh), persists the reference in its
    /// state and <c>meta.json</c> before answering, and answers the updated info. 409 while it runs, and nothing changes.
    /// </summary>
    private static async Task<WireOk<ConversationInfo>> SetLlmProfileAsync(
        string id, WireBody<SetConversationLlmProfileRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        var name = Names.Parse(body.Value.ProfileId ?? throw ApiException.Validation("Field required", "missing", "body", "profile_id"), "body", "profile_id");
        if (entry.IsRunning || entry.Conversation.State.ExecutionStatus == ConversationExecutionStatus.Running)
        {
            throw new ApiException(StatusCodes.Status409Conflict, "Conversation is running; its LLM profile can change only while it is idle. Pause it or wait for it to finish.");
        }

        await entry.Conversation.SwitchProfileAsync(name, cancellationToken).ConfigureAwait(false);
        entry.Update(null, null);   // meta.json now names the new profile (llm_profile_id)
        return new(Info(entry));
    }

    private static async Task<WireOk<SuccessResponse>> SwitchLlmAsync(
        string id, WireBody<SwitchLlmRequest> body, HttpResponse response, ConversationService service, ServerCipher cipher, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        var llm = WireLlm.Read(body.Value.Llm, cipher.Cipher, "body", "llm");
#pragma warning disable CS0618 // The legacy endpoint maps to the obsolete raw switch, which materializes a profile first.
        await entry.Conversation.SwitchLlmAsync(llm, cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0618
        response.Headers["Deprecation"] = "true";
        response.Headers[SettingsEndpoints.DeprecationNoticeHeader] =
            $"switch_llm is deprecated: the LLM was stored as LLM profile '{entry.Conversation.State.LlmProfile?.Name}'. Use switch_profile.";
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> PostEventAsync(
        string id, WireBody<SendMessageRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        RequireUserRole(body.Value.Role, "body");
        await entry.Conversation.SendMessageAsync(MessageText(body.Value.Content, "body"), cancellationToken).ConfigureAwait(false);
        if (body.Value.Run)
        {
            service.TryStartRun(entry);
        }

        return new(SuccessResponse.Instance);
    }

    private static async Task<EventPageResult> SearchEventsAsync(string id, HttpRequest request, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var (offset, limit) = Paging(request.Query);
        var filter = EventsFilter(request.Query);
        var descending = request.Query["sort_order"].FirstOrDefault() == "TIMESTAMP_DESC";
        var (items, more) = entry.Conversation.ReadEventJson(filter, descending, offset, limit);
        return new(items, more ? (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private static async Task<WireOk<int>> CountEventsAsync(string id, HttpRequest request, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var filter = EventsFilter(request.Query);
        return new(entry.Conversation.CountEvents(filter));
    }

    private static async Task<EventResult> GetEventAsync(string id, string eventId, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return new(entry.Conversation.GetEventJson(eventId) ?? throw ApiException.NotFound($"Event not found: {eventId}"));
    }

    private static bool HasStatus(IConversationView e, string? status) =>
        status is null || string.Equals(StatusName(e.State.ExecutionStatus), status, StringComparison.OrdinalIgnoreCase);

    /// <summary>An agent profile's tools, each one known to the server (a 422 naming the tool otherwise).</summary>
    private static ImmutableArray<ToolSpec> Validated(ImmutableArray<ToolSpec> tools, ConversationFactory factory)
    {
        foreach (var spec in tools)
        {
            try
            {
                _ = factory.ToolRegistry.Create(spec);
            }
            catch (Exception e) when (e is UnknownToolException or ArgumentException or InvalidOperationException)
            {
                throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"The agent profile's tool '{spec.Name}' cannot be used: {e.Message}");
            }
        }

        return tools;
    }

    /// <summary>The tools of a start request, each one known to the server and valid, before anything is written.</summary>
    private static ImmutableArray<ToolSpec> Tools(List<ToolDocument?>? tools, ConversationFactory factory)
    {
        if (tools is null)
        {
            return [];
        }

        var specs = ImmutableArray.CreateBuilder<ToolSpec>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var loc = new[] { ApiException.Location.Name("body"), ApiException.Location.Name("agent"), ApiException.Location.Name("tools"), ApiException.Location.Index(i) };
            if (tools[i] is not { Name: { Length: > 0 } name } tool)
            {
                throw ApiException.Validation("Each tool needs a string 'name'", "value_error", loc);
            }

            var spec = new ToolSpec(name, tool.Params ?? ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty);
            try
            {
                _ = factory.ToolRegistry.Create(spec);
            }
            catch (Exception e) when (e is UnknownToolException or ArgumentException or InvalidOperationException)
            {
                throw ApiException.Validation(e.Message, "value_error", loc);
            }

            specs.Add(spec);
        }

        return specs.MoveToImmutable();
    }

    /// <summary>The working folder of a start request: a usable path (no NUL, not too long), or <see langword="null"/> for the default.</summary>
    private static string? WorkingDirectory(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("the path is empty or holds a NUL character");
            }

            _ = Path.GetFullPath(path);
            return path;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw ApiException.Validation($"workspace.working_dir is not a usable path: {e.Message}", "value_error", "body", "workspace", "working_dir");
        }
    }
}
