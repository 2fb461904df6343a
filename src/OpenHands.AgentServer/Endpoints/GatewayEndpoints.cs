using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/v1</c>: the OpenAI-compatible gateway keyed by profile (<see cref="ChatGateway"/>). The same session keys as
/// <c>/api</c>, also as <c>Authorization: Bearer</c>; every error in OpenAI's shape (<see cref="OpenAiErrorResult"/>).
/// </summary>
internal static class GatewayEndpoints
{
    private static readonly HashSet<string> Roles = new(["system", "developer", "user", "assistant", "tool"], StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup(SessionKeyAuthenticationHandler.GatewayPath).WithTags("OpenAI compatibility");
        v1.RequireAuthorization(SessionKeyAuthenticationHandler.PolicyName).OpenAiErrors(StatusCodes.Status401Unauthorized);
        ApiGroup.Guard(v1, OpenAiErrorResult.From, OpenAiErrorResult.Unexpected);
        v1.MapGet("/models", ModelsAsync).OpenAiErrors(503);
        v1.MapPost("/chat/completions", CompleteAsync)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ChatCompletionResponse), ["application/json", "text/event-stream"]))
            .OpenAiErrors(400, 404, 413, 422, 502, 503, 504);
        v1.Map("/{**path}", (HttpContext http) => new OpenAiErrorResult(
                StatusCodes.Status404NotFound, $"Not Found: no route for {http.Request.Method} {http.Request.Path}", "not_found"))
            .ExcludeFromDescription();
    }

    private static async Task<WireOk<OpenAiModelList>> ModelsAsync(ChatGateway gateway, CancellationToken cancellationToken) =>
        new(new OpenAiModelList { Data = await gateway.ModelsAsync(cancellationToken).ConfigureAwait(false) });

    private static async Task<IResult> CompleteAsync(WireBody<ChatCompletionRequest> body, ChatGateway gateway, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var (model, user, system) = Validate(request);
        var profile = await gateway.ProfileForAsync(model, cancellationToken).ConfigureAwait(false);
        var run = await gateway.StartAsync(profile, user, system, request.Stream, cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.Stream)
            {
                // Headers go out with the first delta: a run that fails before it answers with its own status code.
                await run.WaitForOutputAsync(cancellationToken).ConfigureAwait(false);
                var streaming = new ChatStreamResult(run, model, request.StreamOptions?.IncludeUsage == true, gateway.Time);
                run = null;   // the result owns it now
                return streaming;
            }

            var result = await run.Start(cancellationToken).ConfigureAwait(false);
            return new WireOk<ChatCompletionResponse>(new ChatCompletionResponse
            {
                Id = "chatcmpl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Created = gateway.Time.GetUtcNow().ToUnixTimeSeconds(),
                Model = model,
                Choices = [new ChatCompletionChoice { Message = new ChatCompletionAnswer { Content = result.FinalAnswer } }],
                Usage = GatewayUsage.From(result.Usage),
            });
        }
        finally
        {
            if (run is not null)
            {
                await run.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The model, the latest user message's text and the system and developer messages' text; everything checked first.</summary>
    private static (string Model, string User, string? System) Validate(ChatCompletionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw ApiException.Validation("Field required: the model (an id from GET /v1/models)", "missing", "body", "model");
        }

        if (request.Messages is not { Count: > 0 } messages)
        {
            throw ApiException.Validation("Field required: at least one message", "missing", "body", "messages");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not { } message)
            {
                throw ApiException.Validation("Input should be a valid message object", "model_type", [ApiException.Location.Name("body"), ApiException.Location.Name("messages"), ApiException.Location.Index(i)]);
            }

            if (message.Role is null || !Roles.Contains(message.Role))
            {
                throw ApiException.Validation(
                    "Input should be 'system', 'developer', 'user', 'assistant' or 'tool'", "literal_error",
                    [ApiException.Location.Name("body"), ApiException.Location.Name("messages"), ApiException.Location.Index(i), ApiException.Location.Name("role")]);
            }
        }

        var user = messages.LastOrDefault(m => m!.Role == "user")
            ?? throw new ApiException(StatusCodes.Status400BadRequest, "At least one user message is required");
        if (string.IsNullOrWhiteSpace(user.Content))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "The latest user message has no text (the gateway reads text parts only)");
        }

        var system = string.Join("\n\n", messages.Where(m => m!.Role is "system" or "developer").Select(m => m!.Content?.Trim()).Where(t => !string.IsNullOrEmpty(t)));
        return (request.Model, user.Content, system.Length == 0 ? null : system);
    }

    /// <summary>Documents the error answers of a <c>/v1</c> route, all in OpenAI's error shape.</summary>
    private static TBuilder OpenAiErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(OpenAiErrorResponse), ["application/json"]));
        }

        return builder;
    }
}
