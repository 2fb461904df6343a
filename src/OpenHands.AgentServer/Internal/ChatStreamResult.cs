using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// A streamed completion as server-sent events in OpenAI's shape: a chunk with the role, one chunk per delta the run
/// publishes (<c>content</c>, <c>reasoning_content</c>), a last chunk with <c>finish_reason</c>, the usage when asked
/// (<c>stream_options.include_usage</c>), then <c>data: [DONE]</c>. A failure after the first event is sent as an
/// event with OpenAI's error body, which OpenAI clients raise. Disposes the run when done.
/// </summary>
internal sealed partial class ChatStreamResult(GatewayRun run, string model, bool includeUsage, TimeProvider time) : IResult
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly string _id = "chatcmpl-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        await using var owned = run;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        try
        {
            await WriteAsync(response, Chunk(new ChatCompletionDelta { Role = "assistant" }), cancellationToken).ConfigureAwait(false);
            var streamed = false;
            await foreach (var delta in run.Deltas.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (delta.Content is { Length: > 0 } || delta.ReasoningContent is { Length: > 0 })
                {
                    streamed |= delta.Content is { Length: > 0 };
                    await WriteAsync(response, Chunk(new ChatCompletionDelta { Content = delta.Content, ReasoningContent = delta.ReasoningContent }), cancellationToken).ConfigureAwait(false);
                }
            }

            var result = await run.Start(cancellationToken).ConfigureAwait(false);
            if (!streamed && result.FinalAnswer is { Length: > 0 } answer)
            {
                // The answer came whole (from a tool, or a provider that does not stream): one piece.
                await WriteAsync(response, Chunk(new ChatCompletionDelta { Content = answer }), cancellationToken).ConfigureAwait(false);
            }

            await WriteAsync(response, Chunk(new ChatCompletionDelta(), "stop"), cancellationToken).ConfigureAwait(false);
            if (includeUsage)
            {
                await WriteAsync(response, new ChatCompletionChunk { Id = _id, Created = _created, Model = model, Choices = [], Usage = GatewayUsage.From(result.Usage) }, cancellationToken).ConfigureAwait(false);
            }

            await response.Body.WriteAsync(Done, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: the run is cancelled with the request and the conversation released.
        }
        catch (Exception e)
        {
            var error = ErrorMapping.Map(e) is { } mapped ? OpenAiErrorResult.From(mapped) : Unexpected(httpContext, e);
            await WriteEventAsync(response, JsonSerializer.SerializeToUtf8Bytes(error.Body, WireJson.Contract<OpenAiErrorResponse>()), cancellationToken).ConfigureAwait(false);
        }
    }

    private static OpenAiErrorResult Unexpected(HttpContext httpContext, Exception e)
    {
        var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        LogUnhandled(httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OpenHands.AgentServer"), errorId, e);
        return OpenAiErrorResult.Unexpected(errorId);
    }

    private ChatCompletionChunk Chunk(ChatCompletionDelta delta, string? finishReason = null) =>
        new() { Id = _id, Created = _created, Model = model, Choices = [new ChatCompletionChunkChoice { Delta = delta, FinishReason = finishReason }] };

    private static Task WriteAsync(HttpResponse response, ChatCompletionChunk chunk, CancellationToken cancellationToken) =>
        WriteEventAsync(response, JsonSerializer.SerializeToUtf8Bytes(chunk, WireJson.Contract<ChatCompletionChunk>()), cancellationToken);

    private static async Task WriteEventAsync(HttpResponse response, byte[] json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync("data: "u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(json, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {ErrorId} while streaming a chat completion")]
    private static partial void LogUnhandled(ILogger logger, string errorId, Exception exception);
}

/// <summary>The conversation's token counts in OpenAI's usage shape.</summary>
internal static class GatewayUsage
{
    public static ChatCompletionUsage From(OpenHands.Sdk.Conversations.ConversationUsage usage) =>
        new() { PromptTokens = usage.PromptTokens, CompletionTokens = usage.CompletionTokens, TotalTokens = usage.TotalTokens };
}
