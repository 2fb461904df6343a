using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Changes under a lease, when several instances share a database (<see cref="ConversationOwnership"/>). Every change
/// of a conversation (start, message, run, pause, switch, confirmation, secrets, fork) runs inside a
/// <see cref="WriteScope"/>: it holds the conversation's lease for the change, and the copy it changes is reloaded from
/// the database first unless it is known fresh (no other instance held the lease since this copy was loaded or last
/// written). A conversation another instance runs (a live lease) answers 409 here, and the forwarding middleware sends
/// such changes to that instance first. A lease this instance lost (taken over while it stalled) drops the copy, whose
/// run then writes nothing more; an orphaned run (its owner stopped renewing) is taken over by
/// <see cref="TakeOverAsync"/>. Without a database a scope holds nothing and costs nothing.
/// </summary>
internal sealed partial class ConversationService
{
    /// <summary>Gets how this instance holds conversations (leases when shared).</summary>
    public ConversationOwnership Ownership => _ownership;

    /// <summary>A conversation for a change, holding its lease until the scope is disposed.</summary>
    /// <exception cref="ApiException">404 (no such conversation), 409 (another instance runs it).</exception>
    public async Task<WriteScope> GetForWriteAsync(string id, CancellationToken cancellationToken)
    {
        var entry = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return await ForWriteAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds the lease of an id about to be created (a start or a fork); the scope has no entry yet.</summary>
    /// <exception cref="ApiException">409: another instance holds that id.</exception>
    public async Task<WriteScope> HoldNewAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_ownership.IsShared)
        {
            return new WriteScope(this, id, null, held: false);
        }

        _ = await _ownership.TryHoldAsync(id, cancellationToken).ConfigureAwait(false) ?? throw OwnedElsewhere(id);
        return new WriteScope(this, id, null, held: true);
    }

    /// <summary>
    /// Takes over a run whose owner stopped renewing its lease: the conversation is loaded fresh and run on here. Nothing
    /// happens when another instance took it first or it no longer exists.
    /// </summary>
    public async Task TakeOverAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await TryGetAsync(id, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return;
        }

        WriteScope scope;
        try
        {
            scope = await ForWriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException)
        {
            return;   // another instance took it over first, or it was deleted
        }

        await using (scope.ConfigureAwait(false))
        {
            var taken = scope.Entry;
            if (!taken.IsReadOnly && taken.State.ExecutionStatus == ConversationExecutionStatus.Running && TryStartRun(taken))
            {
                LogTakenOver(_logger, id, _ownership.Lease(id)?.Token ?? 0);
            }
            else
            {
                _ownership.MarkRunEnded(id);   // nothing left to run (it ended or is damaged): no instance should try again
            }
        }
    }

    /// <summary>
    /// Another instance changed a conversation (heard from the database's notifications): a copy this instance holds no
    /// lease on goes, so the next read loads what is stored now and socket watchers move to the new copy.
    /// </summary>
    public void OnChanged(OpenHands.Sdk.PostgreSql.ConversationChange change)
    {
        var id = change.ConversationId;
        if (_ownership.IsOwnWrite(id, change.LeaseToken) || _ownership.Lease(id) is not null)
        {
            return;   // this instance's own change (heard late, or while it holds the lease, so nobody else writes)
        }

        _changes.AddOrUpdate(id, 1, static (_, count) => count + 1);   // a load in flight may have read before it: see DropIfChangedSince
        if (_entries.TryGetValue(id, out var entry))
        {
            Evict(entry);
        }
    }

    /// <summary>How many changes made elsewhere were heard for a conversation so far (taken before a load reads it).</summary>
    private int ChangeStamp(Guid id) => _changes.GetValueOrDefault(id);

    /// <summary>
    /// Drops a copy just loaded when a change made elsewhere was heard while it loaded: the load may have read before
    /// that change, and no later notification would say so.
    /// </summary>
    private void DropIfChangedSince(Entry entry, int stamp)
    {
        if (_ownership.IsShared && ChangeStamp(entry.Id) != stamp && _ownership.Lease(entry.Id) is null)
        {
            Evict(entry);
        }
    }

    /// <summary>The notifications (re)connected, so changes may have gone unheard: every copy this instance holds no lease on goes.</summary>
    public void OnNotificationsConnected()
    {
        foreach (var (id, entry) in _entries)
        {
            if (_ownership.Lease(id) is null)
            {
                Evict(entry);
            }
        }
    }

    /// <summary>
    /// A conversation's events from position <paramref name="from"/>, then live ones, each once and in order, across copies:
    /// when this instance's copy is replaced (another instance appended, or a change here reloaded it), the watch goes on
    /// from the next position on the new copy. Ends when the conversation is deleted or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<OpenHands.Sdk.Conversations.Events.ConversationEvent> WatchAsync(
        Guid id, int from, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = from;
        while (!cancellationToken.IsCancellationRequested && await TryGetAsync(id, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, entry.Retired);
            var events = entry.Conversation.WatchEventsAsync(next, watch.Token).GetAsyncEnumerator(watch.Token);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && entry.Retired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        break;   // replaced: go on from the next position on the new copy
                    }

                    if (!more)
                    {
                        if (!entry.Retired.IsCancellationRequested)
                        {
                            yield break;
                        }

                        break;
                    }

                    next++;
                    yield return events.Current;
                }
            }
            finally
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A lease this instance lost: its copy goes (the next use loads the conversation from the database again).</summary>
    public void OnLeaseLost(Guid id)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            Evict(entry);
        }
    }

    private async Task<WriteScope> ForWriteAsync(Entry entry, CancellationToken cancellationToken)
    {
        if (!_ownership.IsShared)
        {
            return new WriteScope(this, entry.Id, entry, held: false);
        }

        var id = entry.Id;
        var lease = await _ownership.TryHoldAsync(id, cancellationToken).ConfigureAwait(false) ?? throw OwnedElsewhere(id);
        try
        {
            // The copy to change is the one this instance has now (a notification may have replaced the one the caller
            // found). It is fresh when no other instance held the lease since it was loaded or last written: the token is
            // the same (held all along) or one more (this instance's own release and new acquire). Else it is loaded again.
            for (var attempt = 0; ; attempt++)
            {
                var current = await TryGetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound($"Conversation not found: {id}");
                if (current.LeaseToken is { } known && (lease.Token == known || lease.Token == known + 1))
                {
                    current.LeaseToken = lease.Token;
                    return new WriteScope(this, id, current, held: true);
                }

                if (attempt == 3)
                {
                    throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"Conversation {id} kept changing while it was loaded; retry in a moment.");
                }

                await ReloadAsync(current, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await _ownership.ReleaseAsync(id).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Replaces a copy that may be stale by one loaded now (under the lease this instance holds).</summary>
    private async Task ReloadAsync(Entry stale, CancellationToken cancellationToken)
    {
        var fresh = await RestoreOneAsync(stale.Id, cancellationToken).ConfigureAwait(false)
            ?? throw ApiException.NotFound($"Conversation not found: {stale.Id}");
        if (_entries.TryUpdate(stale.Id, fresh, stale))
        {
            Retire(stale);
            LogReloaded(_logger, stale.Id);
            return;
        }

        await fresh.Conversation.DisposeAsync().ConfigureAwait(false);   // replaced meanwhile (another change here, a notification): look again
    }

    /// <summary>Drops a copy: the next use loads the conversation again; its run (if any) ends at its next write.</summary>
    private void Evict(Entry entry)
    {
        _unloaded.TryAdd(entry.Id, new Lazy<Task<Entry?>>(() => LoadCoreAsync(entry.Id), LazyThreadSafetyMode.ExecutionAndPublication));
        if (_entries.TryRemove(KeyValuePair.Create(entry.Id, entry)))
        {
            Retire(entry);
        }
    }

    /// <summary>Disposes a replaced copy once its run (if any) has ended.</summary>
    private static void Retire(Entry entry)
    {
        entry.Retire();
        if (entry.RunTask is { IsCompleted: false } run)
        {
            _ = run.ContinueWith(_ => entry.Conversation.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            return;
        }

        _ = entry.Conversation.DisposeAsync().AsTask();
    }

    /// <summary>The token a copy loaded now is fresh under: the row's, unless another instance holds the lease live (unknown).</summary>
    private async Task<long?> FreshTokenAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_ownership.IsShared)
        {
            return null;
        }

        if (_ownership.Lease(id) is { } mine)
        {
            return mine.Token;
        }

        var holder = await _ownership.ReadAsync(id, cancellationToken).ConfigureAwait(false);
        return holder is null ? 0 : holder.IsLive ? null : holder.Lease.Token;
    }

    private static ApiException OwnedElsewhere(Guid id) => new(409,
        $"Conversation {id} is being changed or run by another instance of this server right now. Retry in a moment, or send the request to "
        + "the instance that runs it (the servers forward changes to it when they know its address: AgentServer:InstanceUrl or OH_INSTANCE_URL).");

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {Id}: its owner stopped renewing its lease; this instance took the run over (fencing token {Token})")]
    private static partial void LogTakenOver(ILogger logger, Guid id, long token);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {Id}: another instance held its lease since this copy was loaded; loaded again")]
    private static partial void LogReloaded(ILogger logger, Guid id);

    /// <summary>
    /// One change's hold on a conversation's lease (nothing without a database). Dispose it when the change is done; a
    /// run started inside it keeps its own hold.
    /// </summary>
    internal sealed class WriteScope(ConversationService service, Guid id, Entry? entry, bool held) : IAsyncDisposable
    {
        private int _disposed;

        /// <summary>Gets the conversation to change (the fresh copy).</summary>
        /// <exception cref="InvalidOperationException">The scope holds an id not created yet.</exception>
        public Entry Entry => entry ?? throw new InvalidOperationException($"Conversation {id} does not exist yet; this scope holds its id for a start.");

        public async ValueTask DisposeAsync()
        {
            if (held && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await service._ownership.ReleaseAsync(id).ConfigureAwait(false);
            }
        }
    }
}
