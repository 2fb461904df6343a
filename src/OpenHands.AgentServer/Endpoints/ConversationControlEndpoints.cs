using System.Collections.Immutable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Wire;
using static OpenHands.AgentServer.Endpoints.ConversationsWire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// The control routes of a conversation, as the Python agent-server has them: interrupt, confirmation policy, security
/// analyzer, the answer to a confirmation, secrets, condensation, the final response, side questions and forks. Each
/// request is validated before the conversation is touched.
/// </summary>
internal static class ConversationControlEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var c = api.MapGroup("/conversations").WithTags("conversations");
        c.MapPost("/{id}/interrupt", InterruptAsync).Errors(404, 409, 422);
        c.MapPost("/{id}/confirmation_policy", SetPolicyAsync).Errors(404, 409, 413, 422);
        c.MapPost("/{id}/security_analyzer", SetAnalyzerAsync).Errors(404, 409, 413, 422);
        c.MapPost("/{id}/events/respond_to_confirmation", RespondAsync).Errors(404, 409, 413, 422, 503);
        c.MapPost("/{id}/secrets", UpdateSecretsAsync).Errors(404, 409, 413, 422);
        c.MapPost("/{id}/condense", CondenseAsync).Errors(404, 409, 422, 502);
        c.MapGet("/{id}/agent_final_response", FinalResponseAsync).Errors(404, 422);
        c.MapPost("/{id}/ask_agent", AskAgentAsync).Errors(404, 413, 422, 502);
        c.MapPost("/{id}/fork", ForkAsync).Errors(404, 409, 413, 422);
    }

    private static async Task<WireOk<SuccessResponse>> InterruptAsync(string id, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        entry.ThrowIfReadOnly();
        await entry.Conversation.InterruptAsync(cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> SetPolicyAsync(
        string id, WireBody<ConfirmationPolicyRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        var policy = ControlWire.Policy(body.Value.Policy, "body", "policy");
        entry.ThrowIfReadOnly();
        await entry.Conversation.SetConfirmationPolicyAsync(policy, cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> SetAnalyzerAsync(
        string id, WireBody<SecurityAnalyzerRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        var analyzer = ControlWire.Analyzer(body.Value.SecurityAnalyzer, "body", "security_analyzer");
        entry.ThrowIfReadOnly();
        await entry.Conversation.SetSecurityAnalyzerAsync(analyzer, cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    /// <summary>Accept: the run continues, the pending actions first. Reject: each pending action is answered with the reason and none runs.</summary>
    private static async Task<WireOk<SuccessResponse>> RespondAsync(
        string id, WireBody<ConfirmationResponseRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        var accept = body.Value.Accept ?? throw ApiException.Validation("Field required", "missing", "body", "accept");
        entry.ThrowIfReadOnly();
        if (accept)
        {
            service.TryStartRun(entry);   // already running: the actions are being run
            return new(SuccessResponse.Instance);
        }

        try
        {
            await entry.Conversation.RejectPendingActionsAsync(body.Value.Reason, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiException(StatusCodes.Status409Conflict, e.Message);
        }

        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> UpdateSecretsAsync(
        string id, WireBody<UpdateSecretsRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        if (body.Value.Secrets is null)
        {
            throw ApiException.Validation("Field required", "missing", "body", "secrets");
        }

        var secrets = ControlWire.Secrets(body.Value.Secrets, "body", "secrets");
        entry.ThrowIfReadOnly();
        await entry.Conversation.UpdateSecretsAsync(secrets, cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static async Task<WireOk<SuccessResponse>> CondenseAsync(string id, ConversationService service, CancellationToken cancellationToken)
    {
        await using var write = await service.GetForWriteAsync(id, cancellationToken).ConfigureAwait(false);
        var entry = write.Entry;
        entry.ThrowIfReadOnly();
        try
        {
            await entry.Conversation.CondenseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiException(StatusCodes.Status409Conflict, e.Message);
        }
        catch (LlmException e)
        {
            throw new ApiException(StatusCodes.Status502BadGateway, "The condenser's LLM call failed: " + e.Message);
        }

        return new(SuccessResponse.Instance);
    }

    /// <summary>The agent's answer to the latest user message (the <c>finish</c> message, else its last text); empty when it has not answered.</summary>
    private static async Task<WireOk<AgentResponse>> FinalResponseAsync(string id, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return new(new AgentResponse { Response = entry.Conversation.GetResult().FinalAnswer ?? string.Empty });
    }

    private static async Task<WireOk<AgentResponse>> AskAgentAsync(
        string id, WireBody<AskAgentRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(body.Value.Question))
        {
            throw ApiException.Validation("Field required: a non-empty question", "missing", "body", "question");
        }

        try
        {
            return new(new AgentResponse { Response = await entry.Conversation.AskAgentAsync(body.Value.Question, cancellationToken).ConfigureAwait(false) });
        }
        catch (LlmException e)
        {
            throw new ApiException(StatusCodes.Status502BadGateway, "The agent's LLM did not answer the question: " + e.Message);
        }
    }

    /// <summary>A new conversation with a copy of the history (up to <c>from_event_id</c>), the same profile reference, policies and secrets.</summary>
    private static async Task<WireCreated<ConversationInfo>> ForkAsync(
        string id, [OptionalBody] WireBody<ForkConversationRequest> body, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var request = body.Value;
        Guid? forkId = null;
        if (request.Id is { } text)
        {
            forkId = Guid.TryParse(text, out var g) ? g : throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "body", "id");
        }

        if (request.Title is { Length: < 1 or > 200 })
        {
            throw ApiException.Validation("title must have 1-200 characters", "string_too_long", "body", "title");
        }

        if (forkId is { } taken && (taken == entry.Conversation.Id || await service.TryGetAsync(taken, cancellationToken).ConfigureAwait(false) is not null))
        {
            throw new ApiException(StatusCodes.Status409Conflict, $"Conversation {taken} already exists. Fork with another id, or with none to draw one.");
        }

        entry.ThrowIfReadOnly();
        forkId ??= Guid.NewGuid();
        await using var hold = await service.HoldNewAsync(forkId.Value, cancellationToken).ConfigureAwait(false);
        Conversation fork;
        try
        {
            fork = await entry.Conversation.ForkAsync(forkId, request.FromEventId, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException e)
        {
            throw ApiException.NotFound(e.Message);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiException(StatusCodes.Status409Conflict, e.Message);
        }

        var tags = request.Tags?.ToImmutableSortedDictionary(StringComparer.Ordinal);
        return new(Info(service.Register(fork, request.Title, tags)));
    }
}
