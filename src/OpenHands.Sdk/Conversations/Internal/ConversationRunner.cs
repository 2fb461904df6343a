using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The run loop: steps until the agent finishes, waits for confirmation, is found stuck, a pause is requested, the
/// iteration cap is reached (an error event, not an exception) or a step fails; cancellation leaves the conversation
/// paused. Before each step it checks for loops (<see cref="StuckDetector"/>) and condenses a history that grew past the
/// condenser's size (<see cref="HistoryCondenser"/>). One run at a time.
/// </summary>
internal sealed class ConversationRunner
{
    private readonly Guid _conversationId;
    private readonly SemaphoreSlim _gate;
    private readonly AgentStep _step;
    private readonly EventStream _events;
    private readonly ConversationPersistence _persistence;
    private readonly LlmBinding _llm;
    private readonly AgentTools _tools;
    private readonly HistoryCondenser? _condenser;
    private readonly StuckDetector _stuck = new();
    private readonly ILogger _logger;
    private int _running;
    private volatile bool _pauseRequested;

    public ConversationRunner(
        Guid conversationId, SemaphoreSlim gate, AgentStep step, EventStream events, ConversationPersistence persistence, LlmBinding llm,
        AgentTools tools, HistoryCondenser? condenser, ILogger logger)
    {
        _conversationId = conversationId;
        _gate = gate;
        _step = step;
        _events = events;
        _persistence = persistence;
        _llm = llm;
        _tools = tools;
        _condenser = condenser;
        _logger = logger;
    }

    /// <exception cref="InvalidOperationException">Another run is in progress.</exception>
    /// <exception cref="ConversationRunException">A step failed.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Conversation {_conversationId} is already running.");
        }

        // The run span (GenAI "invoke_agent") is the parent of every step, LLM call and tool call of this run.
        using var activity = SdkTelemetry.Source.StartActivity("invoke_agent openhands", ActivityKind.Internal);
        activity?.SetTag(SdkTelemetry.OperationName, "invoke_agent");
        activity?.SetTag(SdkTelemetry.AgentName, "openhands");
        activity?.SetTag(SdkTelemetry.ConversationId, _conversationId.ToString("N"));
        if (_persistence.State.LlmProfile is { } profile)
        {
            activity?.SetTag(SdkTelemetry.Profile, profile.Name.Value);
        }

        activity?.SetTag(SdkTelemetry.RequestModel, _llm.Agent.Llm.Model);
        SdkTelemetry.ActiveConversations.Add(1);
        try
        {
            await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SdkTelemetry.Fail(activity, ex is ConversationRunException { InnerException: { } inner } ? inner : ex);
            throw;
        }
        finally
        {
            SdkTelemetry.ActiveConversations.Add(-1);
            activity?.SetTag(SdkTelemetry.ExecutionStatus, ConversationStateCodec.StatusName(_persistence.State.ExecutionStatus));
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Stops a run after its current step, or marks an idle conversation paused.</summary>
    public async Task PauseAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _running) == 1)
        {
            _pauseRequested = true;
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_persistence.State.ExecutionStatus is ConversationExecutionStatus.Idle or ConversationExecutionStatus.Running)
            {
                PauseLocked();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        await _tools.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _step.EnsureInitialized();
            if (_persistence.State.ExecutionStatus == ConversationExecutionStatus.Finished)
            {
                return; // send a message first
            }

            _pauseRequested = false;
            _persistence.SetStatus(ConversationExecutionStatus.Running);
        }
        finally
        {
            _gate.Release();
        }

        var iterations = 0;
        try
        {
            while (true)
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (_pauseRequested || cancellationToken.IsCancellationRequested)
                    {
                        _pauseRequested = false;
                        PauseLocked();
                        cancellationToken.ThrowIfCancellationRequested();
                        return;
                    }

                    if (_persistence.State.ExecutionStatus is ConversationExecutionStatus.Paused or ConversationExecutionStatus.Stuck or ConversationExecutionStatus.Finished)
                    {
                        return;
                    }

                    if (StopIfStuck())
                    {
                        return;
                    }

                    using (var step = SdkTelemetry.Source.StartActivity("openhands.agent.step", ActivityKind.Internal))
                    {
                        step?.SetTag(SdkTelemetry.ConversationId, _conversationId.ToString("N"));
                        step?.SetTag(SdkTelemetry.StepNumber, iterations + 1);
                        try
                        {
                            if (!await TryCondenseAsync(cancellationToken).ConfigureAwait(false))
                            {
                                await _step.RunAsync(cancellationToken).ConfigureAwait(false);
                            }
                            else
                            {
                                step?.SetTag("openhands.step.condensed", true);
                            }
                        }
                        catch (Exception ex)
                        {
                            SdkTelemetry.Fail(step, ex);
                            throw;
                        }
                    }

                    iterations++;
                    if (_persistence.State.ExecutionStatus is ConversationExecutionStatus.Finished or ConversationExecutionStatus.WaitingForConfirmation)
                    {
                        return;
                    }

                    if (iterations >= _persistence.State.MaxIterations)
                    {
                        _persistence.SetStatus(ConversationExecutionStatus.Error);
                        _events.Emit(new ConversationErrorEvent
                        {
                            Source = EventSource.Environment,
                            Code = "MaxIterationsReached",
                            Detail = $"Agent reached maximum iterations limit ({_persistence.State.MaxIterations}).",
                        });
                        return;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                if (_persistence.State.ExecutionStatus == ConversationExecutionStatus.Running)
                {
                    PauseLocked();
                }
            }
            finally
            {
                _gate.Release();
            }

            throw;
        }
        catch (StoreConflictException)
        {
            // The store refused a write: another writer (another instance that took the conversation over) owns it now.
            // Recording the failure would be refused too, and the stored conversation is the new owner's: leave it alone.
            throw;
        }
        catch (Exception ex)
        {
            // Any failure other than the caller's own cancellation (handled above) ends the run in error.
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                _persistence.SetStatus(ConversationExecutionStatus.Error);
                _events.Emit(new ConversationErrorEvent
                {
                    Source = EventSource.Environment,
                    Code = ex.GetType().Name,
                    Detail = _llm.Redact(ex.Message),
                });
            }
            finally
            {
                _gate.Release();
            }

            throw new ConversationRunException(_conversationId, ex);
        }
    }

    /// <summary>Sends the stuck detector's nudge, or ends the run as stuck with a state-update event; true when stuck.</summary>
    private bool StopIfStuck()
    {
        if (!_persistence.State.StuckDetection)
        {
            return false;
        }

        var (nudge, pattern) = _stuck.Check(_events.Logged);
        if (nudge is not null)
        {
            _events.Emit(new MessageEvent { Source = EventSource.Environment, Role = "user", Text = nudge });
        }

        if (pattern is null)
        {
            return false;
        }

        _logger.Stuck(_conversationId, pattern);
        _persistence.SetStatus(ConversationExecutionStatus.Stuck);
        _events.Emit(new ConversationStateUpdateEvent
        {
            Source = EventSource.Environment,
            Key = "execution_status",
            Value = JsonSerializer.SerializeToElement(ConversationStateCodec.StatusName(ConversationExecutionStatus.Stuck), OpenHandsJsonContext.Default.String),
        });
        return true;
    }

    /// <summary>
    /// Condenses instead of a step when the history is due (never while actions are pending: they run first); a failed
    /// summary is logged and the step goes on with the whole history.
    /// </summary>
    private async Task<bool> TryCondenseAsync(CancellationToken cancellationToken)
    {
        if (_condenser is null || !_condenser.IsDue(_events.Logged) || AgentTools.Unanswered(_events.Logged).Count > 0)
        {
            return false;
        }

        try
        {
            return await _condenser.CondenseAsync(_events.Logged, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.CondensationFailed(_conversationId, _llm.Redact(ex.Message));
            return false;
        }
    }

    private void PauseLocked()
    {
        _persistence.SetStatus(ConversationExecutionStatus.Paused);
        _events.Emit(new PauseEvent { Source = EventSource.User });
    }
}
