using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Mcp.Internal;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations;

/// <summary>
/// A conversation between a user and an agent: its events, its state, and the agent loop that advances it.
/// </summary>
/// <remarks>
/// <para>
/// Start or restore one with a <see cref="ConversationFactory"/> (registered by <c>AddOpenHands</c>), which holds the
/// services every conversation shares; <see cref="CreateAsync"/> makes an in-memory one without any setup. A persisted
/// conversation keeps <c>&lt;folder&gt;/&lt;id-hex&gt;/base_state.json</c> and one file per event under <c>events/</c>,
/// in the Python SDK's layout, with its LLM as a profile reference plus a secret-free snapshot. Restoring re-resolves
/// the profile; when it is gone or unreadable the snapshot is used, an event says why, and
/// <see cref="SwitchProfileAsync(ProfileName, CancellationToken)"/> makes it runnable.
/// </para>
/// <para>
/// Events are persisted before callbacks and subscribers see them. Methods may be called from several threads; one
/// run at a time.
/// </para>
/// </remarks>
public sealed partial class Conversation : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConversationFactory _services;
    private readonly ConversationPersistence _persistence;
    private readonly EventStream _events;
    private readonly LlmBinding _llm;
    private readonly AgentTools _tools;
    private readonly ConversationSecrets _secrets;
    private readonly HistoryCondenser? _condenser;
    private readonly AgentStep _step;
    private readonly ConversationRunner _runner;
    private readonly RunInterruption _interruption;
    private bool _disposed;

    internal Conversation(
        ConversationFactory services, ConversationPersistence persistence, EventLog log, Agent agent, IEnumerable<Action<ConversationEvent>> callbacks,
        IReadOnlyDictionary<string, SecretString>? liveSecrets = null)
    {
        _services = services;
        _persistence = persistence;
        var id = persistence.State.Id;
        var logger = services.LoggerFactory.CreateLogger<Conversation>();
        _events = new EventStream(id, log, callbacks, services.Time, logger);
        _llm = new LlmBinding(agent, services, persistence, _events);
        _secrets = new ConversationSecrets(id, services.Cipher, logger, McpSession.SecretsOf(agent.McpConfig), persistence.State.Secrets, liveSecrets);
        _tools = new AgentTools(agent, services.ToolRegistry, id, logger, () => persistence.State.SecretNames);
        var context = new ToolContext(persistence.State.WorkingDirectory, id)
        {
            LoggerFactory = services.LoggerFactory,
            TimeProvider = services.Time,
            LlmSwitcher = _llm,
        };
        _condenser = agent.Condenser is { } condenser
            ? new HistoryCondenser(
                id, condenser, ResolveCondenserLlmAsync, _llm.ClientFor, _events, _secrets.Mask,
                (llm, response) => UsageRecorder.Record(persistence, UsageRecorder.CondenserUsageId, llm, response), logger)
            : null;
        _interruption = new RunInterruption(_events, persistence, _tools);
        _step = new AgentStep(id, _tools, new ActionRunner(_tools, _events, persistence, _llm, context, _secrets, logger), _events, persistence, _llm, _interruption);
        _runner = new ConversationRunner(id, _gate, _step, _events, persistence, _llm, _tools, _condenser, logger);
    }

    /// <summary>Gets the conversation's id.</summary>
    public Guid Id => _persistence.State.Id;

    /// <summary>Gets the current persisted state.</summary>
    public ConversationState State => _persistence.State;

    /// <summary>Gets the agent as it runs now (its LLM is the live one, with its key).</summary>
    public Agent Agent => _llm.Agent;

    /// <summary>Gets a snapshot of the events so far, oldest first.</summary>
    public IReadOnlyList<ConversationEvent> Events => _events.Snapshot();

    /// <summary>Reads the event log's index (searches, counts, lookups by id) without copying the events; from any thread.</summary>
    internal T ReadEventLog<T>(Func<EventLog, T> read) => _events.Read(read);

    /// <summary>How many events <paramref name="filter"/> takes (all of them without one); from any thread.</summary>
    /// <param name="filter">Which events count; <see langword="null"/> counts every event.</param>
    /// <returns>The count.</returns>
    public int CountEvents(EventFilter? filter = null) => _events.Read(log => log.CountMatching(filter ?? EventFilter.All));

    /// <summary>
    /// One page of the events <paramref name="filter"/> takes, as each event's stored JSON (the Python SDK's shape, not
    /// parsed again), in log order or its reverse; from any thread.
    /// </summary>
    /// <param name="filter">Which events are taken; <see cref="EventFilter.All"/> takes every event.</param>
    /// <param name="descending">Whether the page runs newest first.</param>
    /// <param name="offset">How many taken events to skip.</param>
    /// <param name="limit">The most events to return.</param>
    /// <returns>The events' JSON and whether more follow.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> or <paramref name="limit"/> is negative.</exception>
    public EventJsonPage ReadEventJson(EventFilter filter, bool descending, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var (items, more) = _events.Read(log => log.Page(filter, descending, offset, limit));
        return new EventJsonPage(items, more);
    }

    /// <summary>The stored JSON of the event with id <paramref name="eventId"/>, or <see langword="null"/> when there is none.</summary>
    /// <param name="eventId">The event's id.</param>
    /// <returns>The event's JSON (the Python SDK's shape).</returns>
    public byte[]? GetEventJson(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        return _events.Read(log => log.JsonOf(eventId));
    }

    /// <summary>The folder inside <see cref="Directory"/> that holds one file per event.</summary>
    public const string EventsFolderName = "events";

    /// <summary>Gets the folder of this conversation's files, or <see langword="null"/> when nothing is persisted.</summary>
    public string? Directory => _persistence.Directory;

    /// <summary>Gets the damaged files found when the conversation was restored; empty for a healthy conversation.</summary>
    /// <value>
    /// One entry per unreadable or missing file, state first, then events in index order. When it is not empty the
    /// conversation is read-only: <see cref="Events"/>, <see cref="State"/> and <see cref="GetResult"/> show what could be
    /// read, and every method that would write throws <see cref="InvalidConversationException"/> naming the damage.
    /// </value>
    public IReadOnlyList<ConversationFileDamage> Damage => _persistence.Damage;

    /// <summary>
    /// Creates an in-memory conversation with the default services: nothing is persisted, nothing is materialized, and no
    /// profile store is needed. To persist, switch profiles or restore, use a <see cref="ConversationFactory"/>.
    /// </summary>
    /// <param name="agent">The agent.</param>
    /// <param name="options">The id, working folder, iteration cap and callbacks; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ConversationOptions.MaxIterations"/> is less than 1.</exception>
    public static Task<Conversation> CreateAsync(Agent agent, ConversationOptions? options = null, CancellationToken cancellationToken = default) =>
        ConversationFactory.InMemory.StartAsync(agent, options, cancellationToken);

    /// <summary>Adds a user message. It does not run the agent.</summary>
    /// <param name="text">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message event, as persisted.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    /// <exception cref="InvalidConversationException">The conversation is damaged (see <see cref="Damage"/>), so read-only; nothing changed.</exception>
    public async Task<MessageEvent> SendMessageAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _persistence.ThrowIfDamaged();
        await _tools.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _step.EnsureInitialized();
            var emitted = (MessageEvent)_events.Emit(new MessageEvent { Source = EventSource.User, Role = "user", Text = text });
            if (State.ExecutionStatus is ConversationExecutionStatus.Finished or ConversationExecutionStatus.Stuck)
            {
                _persistence.SetStatus(ConversationExecutionStatus.Idle);
            }

            return emitted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs the agent until it finishes, is paused, hits the iteration cap (an error event, not an exception) or fails.
    /// </summary>
    /// <param name="cancellationToken">Pauses the run: the conversation is left paused and a later run continues.</param>
    /// <returns>
    /// The result when the run stops: the status, the agent's final answer (if any) and the usage so far. After
    /// <see cref="InterruptAsync"/> the status is <see cref="ConversationExecutionStatus.Paused"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">Another run is in progress.</exception>
    /// <exception cref="ConversationRunException">The run failed (for example the LLM failed after its retries).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the conversation is paused.</exception>
    /// <exception cref="InvalidConversationException">The conversation is damaged (see <see cref="Damage"/>), so read-only; nothing changed.</exception>
    public async Task<ConversationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _persistence.ThrowIfDamaged();
        var run = _interruption.Begin(Id, cancellationToken);
        try
        {
            await _runner.RunAsync(run).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_interruption.IsRequested && !cancellationToken.IsCancellationRequested)
        {
            // Recorded by the step it cancelled, unless it came between two steps (then the loop paused first).
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                _interruption.RecordLocked();
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            _interruption.End();
        }

        return GetResult();
    }

    /// <summary>
    /// Interrupts a run at once (the Python SDK's <c>interrupt</c>): the LLM call and the tool in flight are cancelled,
    /// not awaited, an <see cref="InterruptEvent"/> is recorded, and the conversation is left paused; the next
    /// <see cref="RunAsync"/> continues it. Without a run in progress it pauses, as <see cref="PauseAsync"/> does.
    /// </summary>
    /// <param name="cancellationToken">Cancels the pause when no run is in progress.</param>
    /// <returns>
    /// A task that completes once the run is cancelled; the interrupted <see cref="RunAsync"/> then returns promptly,
    /// with every tool call that had no result answered by an <see cref="AgentErrorEvent"/>.
    /// </returns>
    public Task InterruptAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _interruption.Request() ? Task.CompletedTask : PauseAsync(cancellationToken);
    }

    /// <summary>
    /// Computes where the conversation stands from its state and events: what <see cref="RunAsync"/> returns, available
    /// on a restored conversation too.
    /// </summary>
    /// <returns>The status, the agent's answer to the latest user message (if any) and the usage so far.</returns>
    public ConversationResult GetResult() => ConversationResult.From(State, Events);

    /// <summary>Pauses the conversation: a run stops after its current step; an idle conversation is marked paused.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the pause is recorded (or requested, for a running conversation).</returns>
    /// <exception cref="InvalidConversationException">The conversation is damaged (see <see cref="Damage"/>), so read-only; nothing changed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _persistence.ThrowIfDamaged();
        return _runner.PauseAsync(cancellationToken);
    }

    /// <summary>
    /// Streams the conversation's events: those from <paramref name="fromIndex"/> on, then new ones as they are persisted,
    /// until <paramref name="cancellationToken"/> is cancelled or the conversation is disposed. Live
    /// <see cref="StreamingDeltaEvent"/>s come too, in order, but they are never persisted and take no index.
    /// </summary>
    /// <param name="fromIndex">The first event to return.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromIndex"/> is negative.</exception>
    public IAsyncEnumerable<ConversationEvent> WatchEventsAsync(int fromIndex = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromIndex);
        return _events.WatchAsync(fromIndex, cancellationToken);
    }

    /// <summary>
    /// Streams the reply's pieces as they arrive from the LLM, while the live LLM streams (<c>stream: true</c>), until
    /// <paramref name="cancellationToken"/> is cancelled or the conversation is disposed.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The deltas published after enumeration starts; start enumerating before <see cref="RunAsync"/>.</returns>
    public async IAsyncEnumerable<StreamingDeltaEvent> StreamDeltasAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in _events.WatchAsync(int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (e is StreamingDeltaEvent delta)
            {
                yield return delta;
            }
        }
    }

    /// <summary>Stops event streams, releases the chat clients and closes the MCP servers' connections. Persisted data stays.</summary>
    /// <returns>A task that completes when resources are released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _events.Complete();
            _llm.Dispose();
            await _tools.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Records, on restore, that the conversation runs on its secret-free snapshot and why.</summary>
    internal void AnnounceFallback(ProfileResolution resolution) => _llm.AnnounceFallback(resolution);
}
