using Microsoft.Extensions.Logging;
using OpenHands.Sdk;
using OpenHands.Sdk.Conversations;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The runs of the agent loop: each is a task this service owns (kept on its <see cref="Entry"/>, never unobserved),
/// runs until it ends or the host stops, and never faults: a failure is logged, and the SDK has already recorded it in
/// the conversation (status <c>error</c> and an error event). When the host stops, every run is cancelled (the
/// conversation is left paused) and awaited.
/// </summary>
internal sealed partial class ConversationService
{
    /// <summary>Ends when the server begins to stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts the agent loop in the background; false when it is already running.</summary>
    /// <exception cref="InvalidConversationException">The conversation is damaged, so read-only, or was deleted.</exception>
    /// <exception cref="ApiException">The server is shutting down (503).</exception>
    public bool TryStartRun(Entry entry)
    {
        entry.ThrowIfReadOnly();
        lock (entry)
        {
            if (entry.IsRunning)
            {
                return false;
            }

            if (_stopping.IsCancellationRequested)
            {
                throw new ApiException(503, "The server is shutting down; no new run starts. Retry when it is back.");
            }

            if (!_entries.TryGetValue(entry.Conversation.Id, out var live) || !ReferenceEquals(live, entry))
            {
                throw new InvalidConversationException($"Conversation {entry.Conversation.Id} was deleted.");
            }

            _ownership.AddRunHold(entry.Id);   // the run's own hold: the lease outlives the request that started it
            entry.RunTask = Task.Run(() => RunAsync(entry));
            return true;
        }
    }

    /// <summary>Cancels every run and waits for them to end, or until <paramref name="cancellationToken"/> gives up (the host's shutdown timeout).</summary>
    public async Task StopRunsAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var runs = _entries.Values.Select(e => e.RunTask).OfType<Task>().Where(t => !t.IsCompleted).ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        LogStoppingRuns(_logger, runs.Length);
        try
        {
            await Task.WhenAll(runs).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopTimedOut(_logger, runs.Count(r => !r.IsCompleted));
        }
    }

    /// <summary>Pauses the conversation's run (if any) and waits for it to end; used by delete.</summary>
    private static async Task StopRunAsync(Entry entry)
    {
        Task? run;
        lock (entry)
        {
            run = entry.RunTask;   // the entry is out of the list already, so no run starts after this
        }

        if (run is null)
        {
            return;
        }

        if (!entry.IsReadOnly)
        {
            await entry.Conversation.PauseAsync().ConfigureAwait(false);
        }

        await run.ConfigureAwait(false);   // never faults: RunAsync catches everything
    }

    private async Task RunAsync(Entry entry)
    {
        var id = entry.Conversation.Id;
        using var activity = AgentServerTelemetry.StartRun(id);
        var outcome = "error";
        try
        {
            if (!await _ownership.MarkRunWantedAsync(id, _stopping.Token).ConfigureAwait(false))
            {
                outcome = "fenced";
                LogRunFenced(_logger, id);
                Evict(entry);
                return;
            }

            var result = await entry.Conversation.RunAsync(_stopping.Token).ConfigureAwait(false);
            outcome = result.Status.ToString().ToLowerInvariant();
            LogRunEnded(_logger, id, result.Status);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            outcome = "stopped";
            LogRunStoppedForShutdown(_logger, id);
        }
        catch (StoreConflictException) when (_ownership.IsShared)
        {
            // Another instance took the conversation over (this one stalled past its lease): it writes nothing more
            // here, and this copy is stale.
            outcome = "fenced";
            LogRunFenced(_logger, id);
            Evict(entry);
        }
#pragma warning disable CA1031 // A background run must never fault unobserved: every failure is logged here.
        catch (Exception e)
#pragma warning restore CA1031
        {
            activity?.SetTag("error.type", e.GetType().FullName);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            // Only type names: the SDK put the (redacted) detail into the conversation's error event; a message here
            // could carry a provider's reply.
            LogRunFailed(_logger, id, e.GetType().Name, e.InnerException?.GetType().Name ?? "none", entry.Conversation.State.ExecutionStatus);
        }
        finally
        {
            AgentServerTelemetry.Runs.Add(1, new KeyValuePair<string, object?>("openhands.outcome", outcome));
            await _ownership.ReleaseAsync(id).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id}: another instance took its lease over, so this run stopped without writing more; the new owner continues it")]
    private static partial void LogRunFenced(ILogger logger, Guid id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {Id} run ended: {Status}")]
    private static partial void LogRunEnded(ILogger logger, Guid id, ConversationExecutionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {Id} run stopped because the server is stopping; the conversation is paused")]
    private static partial void LogRunStoppedForShutdown(ILogger logger, Guid id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id} run failed with {Error} (cause: {Cause}); its status is {Status} and its events hold the details")]
    private static partial void LogRunFailed(ILogger logger, Guid id, string error, string cause, ConversationExecutionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {Count} conversation runs")]
    private static partial void LogStoppingRuns(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} conversation runs did not stop within the host's shutdown timeout")]
    private static partial void LogStopTimedOut(ILogger logger, int count);
}
