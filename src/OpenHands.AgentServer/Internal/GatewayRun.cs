using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// One gateway completion: its in-memory conversation, the user's message and the deltas the run publishes. The run
/// is bounded by <see cref="ChatGateway.RunTimeout"/> and by the request; its failures are <see cref="ApiException"/>s
/// (502 when the provider call failed, 504 on the time limit). Disposing waits for the run and releases the conversation.
/// </summary>
internal sealed class GatewayRun(Conversation conversation, Channel<StreamingDeltaEvent> deltas, string userText, TimeProvider time) : IAsyncDisposable
{
    private Task<ConversationResult>? _run;

    public ChannelReader<StreamingDeltaEvent> Deltas => deltas.Reader;

    /// <summary>Starts the run once (later calls return the same task); <see cref="Deltas"/> completes when it ends.</summary>
    public Task<ConversationResult> Start(CancellationToken cancellationToken) => _run ??= RunAsync(cancellationToken);

    /// <summary>Waits until the first delta is ready or the run has ended, whichever comes first.</summary>
    public async Task WaitForOutputAsync(CancellationToken cancellationToken)
    {
        var run = Start(cancellationToken);
        await Task.WhenAny(deltas.Reader.WaitToReadAsync(cancellationToken).AsTask(), run).ConfigureAwait(false);
        if (run.IsCompleted && !deltas.Reader.TryPeek(out _))
        {
            await run.ConfigureAwait(false);   // a run that failed before any output fails the request with its status
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is { } run)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (Exception e) when (e is ApiException or OperationCanceledException)
            {
                // Already answered (or the client is gone); the conversation is released all the same.
            }
        }

        await conversation.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<ConversationResult> RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(ChatGateway.RunTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await conversation.SendMessageAsync(userText, linked.Token).ConfigureAwait(false);
            var result = await conversation.RunAsync(linked.Token).ConfigureAwait(false);
            if (result.Status is ConversationExecutionStatus.Error or ConversationExecutionStatus.Stuck)
            {
                throw new ApiException(StatusCodes.Status502BadGateway, $"The agent run ended with status '{result.Status.ToString().ToLowerInvariant()}' without an answer.") { Code = "upstream_error" };
            }

            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ApiException(StatusCodes.Status504GatewayTimeout, $"The completion ran longer than {ChatGateway.RunTimeout.TotalSeconds:0} s and was cancelled.") { Code = "timeout" };
        }
        catch (ConversationRunException e)
        {
            // The SDK's LLM errors never carry the key; the message names what the provider answered.
            throw new ApiException(StatusCodes.Status502BadGateway, $"The profile's LLM call failed: {e.Message}") { Code = "upstream_error" };
        }
        finally
        {
            deltas.Writer.TryComplete();
        }
    }
}
