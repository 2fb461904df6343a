using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Which conversations this instance may write, when several instances share one database: the one owner of the
/// conversation leases this instance holds. A change of a conversation (a start, a message, a switch, a run) takes a
/// hold on its lease first; holds are counted, and the lease is released when the last one ends, so an idle
/// conversation has no owner and any instance can change it, while a running one is owned by the instance that runs
/// it until the run ends. Every write goes through <see cref="Store"/>, whose writers carry the held lease's fencing
/// token, so an instance whose lease was taken over writes nothing more.
/// </summary>
/// <remarks>
/// Without a database (<see cref="IsShared"/> false) there are no leases: every hold succeeds at once and
/// <see cref="Store"/> is the plain store. Thread-safe.
/// </remarks>
internal sealed partial class ConversationOwnership
{
    private readonly PostgreSqlConversationLeases? _leases;
    private readonly ConcurrentDictionary<Guid, HoldState> _holds = new();
    private readonly ConcurrentDictionary<Guid, long> _tokens = new();   // the last token this instance held per conversation
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ILogger _logger;

    public ConversationOwnership(IConversationStore? store, AgentServerOptions options, ILogger<ConversationOwnership> logger)
    {
        _logger = logger;
        Duration = options.ConversationLeaseDuration;
        InstanceUrl = options.InstanceUrl;
        InstanceId = FormattableString.Invariant($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");
        if (store is PostgreSqlConversationStore database)
        {
            Database = database.Database;
            _leases = new PostgreSqlConversationLeases(database.Database);
            Store = new FencedConversationStore(database, this);
        }
        else
        {
            Store = store;
        }
    }

    /// <summary>Gets whether conversations are shared with other instances (a database), so changes take leases.</summary>
    public bool IsShared => _leases is not null;

    /// <summary>Gets the shared database, when there is one.</summary>
    public PostgreSqlDatabase? Database { get; }

    /// <summary>Gets the conversation store every conversation of this server writes through (fenced when shared).</summary>
    public IConversationStore? Store { get; }

    /// <summary>Gets this instance's owner id in the lease rows: machine, process and a random part.</summary>
    public string InstanceId { get; }

    /// <summary>Gets or sets where other instances send requests for the conversations this one runs (set at start).</summary>
    public string? InstanceUrl { get; set; }

    /// <summary>Gets how long a lease lasts unrenewed.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets how many conversations this instance holds a lease on.</summary>
    public int HeldCount => _holds.Count;

    /// <summary>Whether a write made under <paramref name="token"/> was this instance's (it held that token last).</summary>
    public bool IsOwnWrite(Guid id, long? token) => token is { } t && _tokens.TryGetValue(id, out var mine) && mine == t;

    /// <summary>The lease this instance holds on a conversation now, if any.</summary>
    public ConversationLease? Lease(Guid id) => _holds.TryGetValue(id, out var state) ? state.Lease : null;

    /// <summary>
    /// Takes a hold on the conversation's lease: at once when this instance holds it already, else by acquiring it.
    /// </summary>
    /// <returns>The lease (a placeholder without a database), or <see langword="null"/> when another instance holds a live one.</returns>
    public async Task<ConversationLease?> TryHoldAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_leases is null)
        {
            return new ConversationLease(id, InstanceId, 0);
        }

        var gate = Gate(id);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_holds.TryGetValue(id, out var held))
            {
                Interlocked.Increment(ref held.Count);
                return held.Lease;
            }

            var lease = await _leases.TryAcquireAsync(id, InstanceId, Duration, runWanted: false, InstanceUrl, cancellationToken).ConfigureAwait(false);
            if (lease is not null)
            {
                _holds[id] = new HoldState(lease);
                _tokens[id] = lease.Token;
                LogAcquired(_logger, id, lease.Token);
            }

            return lease;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Adds a run's hold to a conversation this instance holds already (the caller's hold keeps it until the run has its
    /// own), so the lease outlives the request that started the run.
    /// </summary>
    /// <exception cref="InvalidOperationException">The conversation is not held: a run must start inside a hold.</exception>
    public void AddRunHold(Guid id)
    {
        if (_leases is null)
        {
            return;
        }

        var held = _holds.TryGetValue(id, out var state)
            ? state
            : throw new InvalidOperationException($"Conversation {id} is not held by this instance; a run starts only inside a hold of its lease.");
        Interlocked.Increment(ref held.Count);
        held.Ran = true;
    }

    /// <summary>Says, at the release of the last hold, that no run is wanted (a taken-over run that had nothing left to do).</summary>
    public void MarkRunEnded(Guid id)
    {
        if (_holds.TryGetValue(id, out var held))
        {
            held.Ran = true;
        }
    }

    /// <summary>Records in the lease row that this instance runs the conversation, so another takes the run over if this one dies.</summary>
    /// <returns>False when the lease was lost meanwhile.</returns>
    public async Task<bool> MarkRunWantedAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_leases is null)
        {
            return true;
        }

        var expected = Lease(id);
        var lease = await _leases.TryAcquireAsync(id, InstanceId, Duration, runWanted: true, InstanceUrl, cancellationToken).ConfigureAwait(false);
        return lease is not null && lease.Token == expected?.Token;
    }

    /// <summary>Ends one hold; the last one releases the lease (and, when this instance ran the conversation, says no run is wanted).</summary>
    public async Task ReleaseAsync(Guid id)
    {
        if (_leases is null)
        {
            return;
        }

        var gate = Gate(id);
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_holds.TryGetValue(id, out var held) || Interlocked.Decrement(ref held.Count) > 0)
            {
                return;
            }

            _holds.TryRemove(id, out _);
            try
            {
                await _leases.ReleaseAsync(held.Lease, runEnded: held.Ran, CancellationToken.None).ConfigureAwait(false);
                LogReleased(_logger, id, held.Lease.Token);
            }
#pragma warning disable CA1031 // A release that fails only leaves the lease to expire: logged, never thrown at a request that succeeded.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogReleaseFailed(_logger, id, e.GetType().Name, e.Message);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Renews every held lease; returns the conversations whose lease another instance took over (no longer held).</summary>
    public async Task<IReadOnlyList<Guid>> RenewAllAsync(CancellationToken cancellationToken)
    {
        if (_leases is null || _holds.IsEmpty)
        {
            return [];
        }

        var lost = new List<Guid>();
        foreach (var (id, held) in _holds)
        {
            if (!await _leases.RenewAsync(held.Lease, Duration, cancellationToken).ConfigureAwait(false)
                && _holds.TryGetValue(id, out var current) && ReferenceEquals(current, held))
            {
                _holds.TryRemove(id, out _);
                lost.Add(id);
                LogLost(_logger, id, held.Lease.Token);
            }
        }

        return lost;
    }

    /// <summary>The conversations whose owner stopped renewing while it ran them: to be taken over.</summary>
    public Task<IReadOnlyList<Guid>> OrphanedRunsAsync(CancellationToken cancellationToken) =>
        _leases?.ListOrphanedRunsAsync(cancellationToken) ?? Task.FromResult<IReadOnlyList<Guid>>([]);

    /// <summary>Who holds a conversation's lease now (null without a database, or when it never had one).</summary>
    public Task<ConversationLeaseHolder?> ReadAsync(Guid id, CancellationToken cancellationToken) =>
        _leases?.ReadAsync(id, cancellationToken) ?? Task.FromResult<ConversationLeaseHolder?>(null);

    private SemaphoreSlim Gate(Guid id) => _gates[(id.GetHashCode() & int.MaxValue) % _gates.Length];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {Id}: lease taken (fencing token {Token})")]
    private static partial void LogAcquired(ILogger logger, Guid id, long token);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {Id}: lease released (fencing token {Token})")]
    private static partial void LogReleased(ILogger logger, Guid id, long token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id}: releasing its lease failed with {Error} ({Message}); it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Guid id, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id}: its lease (fencing token {Token}) was taken over by another instance; this instance writes nothing more to it")]
    private static partial void LogLost(ILogger logger, Guid id, long token);

    private sealed class HoldState(ConversationLease lease)
    {
        public int Count = 1;

        public ConversationLease Lease { get; } = lease;

        /// <summary>Whether this instance ran the conversation under this lease (its release then says no run is wanted).</summary>
        public bool Ran { get; set; }
    }
}
