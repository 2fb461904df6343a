using System.Globalization;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>Runs on the server and waits for them.</summary>
public sealed partial class RemoteConversation
{
    /// <summary>
    /// Starts the agent loop on the server (a conversation that is already running counts as started) and, by default,
    /// waits until the run ends; returns the same <see cref="ConversationResult"/> a local <see cref="Conversation.RunAsync"/> does.
    /// </summary>
    /// <param name="waitForCompletion">
    /// Whether to wait until the run ends (finished, paused, waiting for confirmation) by polling the conversation every
    /// <see cref="RemoteWorkspaceOptions.StatusPollInterval"/>; <see langword="false"/> returns once the run has started.
    /// </param>
    /// <param name="cancellationToken">
    /// Cancels the request or the wait. Cancelling the wait pauses the run on the server (as cancelling a local
    /// <see cref="Conversation.RunAsync"/> does) before <see cref="OperationCanceledException"/> is thrown.
    /// </param>
    /// <returns>The status when the run ended (or, without waiting, when it started), the agent's final answer and the usage so far.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="ConversationRunException">The run ended in error or the agent got stuck; the message carries the server's last error event.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ConversationResult> RunAsync(bool waitForCompletion = true, CancellationToken cancellationToken = default)
    {
        var before = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var statusBefore = ReadState(before, Path).ExecutionStatus;
        var eventsBefore = waitForCompletion ? await CountEventsAsync(cancellationToken).ConfigureAwait(false) : 0;
        var alreadyRunning = false;
        try
        {
            await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/run", idempotent: false)), cancellationToken).ConfigureAwait(false);
        }
        catch (AgentServerConflictException)
        {
            alreadyRunning = true;   // 409: a run is in progress; wait for it like our own
        }

        if (!waitForCompletion)
        {
            return await GetResultAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!alreadyRunning && statusBefore == ConversationExecutionStatus.Finished)
        {
            return await ResultAsync(before, cancellationToken).ConfigureAwait(false);   // a finished conversation does not run until it gets a new message
        }

        try
        {
            var ended = await WaitForRunEndAsync(statusBefore, eventsBefore, alreadyRunning, cancellationToken).ConfigureAwait(false);
            return await ResultAsync(ended, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.PausingOnCancel(Id);
            await PauseQuietlyAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<int> CountEventsAsync(CancellationToken cancellationToken) =>
        await Client.SendAsync(ForConversation(RemoteRequest.Get($"{Path}/events/count")), OpenHandsJson.Redacted.Contract<int>(), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Polls until the run ends. A status that is neither idle nor running ends the wait once the run has visibly
    /// happened: the status was seen running, it changed, or events were added (the run may not have started yet
    /// when the first poll arrives, so an unchanged status alone proves nothing).
    /// </summary>
    private async Task<ConversationInfo> WaitForRunEndAsync(
        ConversationExecutionStatus statusBefore, int eventsBefore, bool sawRunning, CancellationToken cancellationToken)
    {
        while (true)
        {
            var info = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
            var status = ReadState(info, Path).ExecutionStatus;
            switch (status)
            {
                case ConversationExecutionStatus.Running:
                    sawRunning = true;
                    break;
                case ConversationExecutionStatus.Idle:
                    break;
                default:
                    if (sawRunning || status != statusBefore || await CountEventsAsync(cancellationToken).ConfigureAwait(false) > eventsBefore)
                    {
                        return status is ConversationExecutionStatus.Error or ConversationExecutionStatus.Stuck
                            ? throw await RunFailureAsync(status, cancellationToken).ConfigureAwait(false)
                            : info;
                    }

                    break;
            }

            await Task.Delay(Client.StatusPollInterval, Client.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ConversationRunException> RunFailureAsync(ConversationExecutionStatus status, CancellationToken cancellationToken)
    {
        string? why = null;
        try
        {
            var request = ForConversation(RemoteRequest.Get($"{Path}/events/search?kind=ConversationErrorEvent&sort_order=TIMESTAMP_DESC&limit=1"));
            var page = await Client.SendAsync(request, OpenHandsJson.Redacted.Contract<EventPage>(), cancellationToken).ConfigureAwait(false);
            if (page.Items is [ConversationErrorEvent error, ..])
            {
                why = $"{error.Code}: {error.Detail}";
            }
        }
        catch (AgentServerException)
        {
            // The status alone still says what happened.
        }

        var what = status == ConversationExecutionStatus.Stuck ? "the agent got stuck" : "the run ended in error";
        return new ConversationRunException(
            Id, Client.Redact(string.Create(CultureInfo.InvariantCulture, $"Conversation {Id} on the agent server at {Client.BaseAddress}: {what}{(why is null ? "." : ": " + why)}")));
    }

    private async Task PauseQuietlyAsync()
    {
        using var timeout = new CancellationTokenSource(Client.AttemptTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromSeconds(30) : Client.AttemptTimeout, Client.Time);
        try
        {
            await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/pause", idempotent: false)), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AgentServerException or OperationCanceledException)
        {
            // Best effort: the caller asked to stop waiting, not to learn about the pause.
        }
    }
}
