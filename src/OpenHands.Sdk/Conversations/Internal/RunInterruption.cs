using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The hook between <see cref="Conversation.InterruptAsync"/> and the run loop (issue 14, item 6): each run gets a token
/// that is the caller's token linked with an interrupt; <see cref="Request"/> cancels it, so the LLM call or tool in flight
/// ends at once. The step that observes the cancellation records it with <see cref="RecordLocked"/> (as the Python SDK's
/// <c>arun</c> does): an <see cref="AgentErrorEvent"/> for each action left without a result, status paused, one
/// <see cref="InterruptEvent"/>.
/// </summary>
/// <remarks>
/// The run loop needs no knowledge of it: it sees a cancelled token, as for a caller's cancellation, and finds the
/// conversation already paused. <see cref="Request"/> may be called from any thread; <see cref="RecordLocked"/> only
/// under the conversation's gate.
/// </remarks>
internal sealed class RunInterruption
{
    public const string InterruptedActionError = "Tool call interrupted before completion. The conversation was paused.";

    private readonly Lock _lock = new();
    private readonly EventStream _events;
    private readonly ConversationPersistence _persistence;
    private readonly AgentTools _tools;
    private CancellationTokenSource? _run;
    private volatile bool _requested;
    private bool _recorded;

    public RunInterruption(EventStream events, ConversationPersistence persistence, AgentTools tools)
    {
        _events = events;
        _persistence = persistence;
        _tools = tools;
    }

    /// <summary>Gets whether the current run was interrupted.</summary>
    public bool IsRequested => _requested;

    /// <summary>Starts a run: its token is cancelled by the caller's token or by <see cref="Request"/>.</summary>
    /// <exception cref="InvalidOperationException">A run is in progress.</exception>
    public CancellationToken Begin(Guid conversationId, CancellationToken caller)
    {
        lock (_lock)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException($"Conversation {conversationId} is already running.");
            }

            _run = CancellationTokenSource.CreateLinkedTokenSource(caller);
            _requested = false;
            _recorded = false;
            return _run.Token;
        }
    }

    /// <summary>Ends the run started by <see cref="Begin"/>.</summary>
    public void End()
    {
        lock (_lock)
        {
            _run?.Dispose();
            _run = null;
        }
    }

    /// <summary>Cancels the run in flight; <see langword="false"/> when there is none.</summary>
    public bool Request()
    {
        CancellationTokenSource run;
        lock (_lock)
        {
            if (_run is null)
            {
                return false;
            }

            run = _run;
            _requested = true;
        }

        // Outside the lock: cancellation callbacks (HTTP, process kill) may run the cancelled code on this thread.
        try
        {
            run.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }
        catch (AggregateException)
        {
            // A callback of the cancelled operation failed; the run still sees its token cancelled.
        }

        return true;
    }

    /// <summary>Records the interrupt once per run: errors for unanswered actions, paused, an <see cref="InterruptEvent"/>.</summary>
    public void RecordLocked()
    {
        if (_recorded)
        {
            return;
        }

        _recorded = true;

        // Without a result for every tool call, the next LLM request would carry calls without answers, which providers reject.
        foreach (var (action, _, _, _) in _tools.Pending(_events.Logged))
        {
            _events.Emit(new AgentErrorEvent
            {
                Source = EventSource.Agent,
                ToolName = action.ToolName,
                ToolCallId = action.ToolCallId,
                Error = InterruptedActionError,
            });
        }

        _persistence.SetStatus(ConversationExecutionStatus.Paused);
        _events.Emit(new InterruptEvent());
    }
}
