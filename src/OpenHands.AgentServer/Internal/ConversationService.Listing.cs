using System.Collections.Concurrent;

namespace OpenHands.AgentServer.Internal;

internal sealed partial class ConversationService
{
    // The summaries of listed conversations not loaded yet, each read once, on the first listing that needs it; a
    // summary is dropped when its conversation is loaded (from then on its entry answers, and only it writes the files).
    private readonly ConcurrentDictionary<Guid, Lazy<Task<ConversationSummary?>>> _summaries = new();

    /// <summary>How many summaries of conversations not loaded are kept (each read from its files once).</summary>
    public int SummaryCount => _summaries.Count;

    /// <summary>
    /// Every conversation as the listing routes show it, without loading any: the loaded ones from their entries, the
    /// others from their summaries (<c>base_state.json</c> and <c>meta.json</c>, read once each, in parallel, never the events).
    /// </summary>
    public async Task<IReadOnlyList<IConversationView>> ListAsync(CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);

        // Not loaded first, then loaded: a load adds its entry before it leaves _unloaded, so none is missed in between.
        var unloaded = _unloaded.Keys.ToArray();
        var listed = new Dictionary<Guid, IConversationView>(_entries.Count + unloaded.Length);
        foreach (var (id, entry) in _entries)
        {
            listed[id] = entry;
        }

        var summaries = await Task.WhenAll(unloaded.Where(id => !listed.ContainsKey(id)).Select(id => SummaryAsync(id, cancellationToken))).ConfigureAwait(false);
        foreach (var summary in summaries)
        {
            if (summary is not null)
            {
                listed.TryAdd(summary.Id, _entries.TryGetValue(summary.Id, out var loaded) ? loaded : summary);
            }
        }

        return [.. listed.Values];
    }

    /// <summary>Conversation <paramref name="id"/> as the listing routes show it: its entry when loaded, its summary otherwise; null when there is none.</summary>
    public async Task<IConversationView?> ViewAsync(Guid id, CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);
        if (!_unloaded.ContainsKey(id))
        {
            return _entries.GetValueOrDefault(id);   // loaded (a load adds its entry before it leaves _unloaded), or none
        }

        var summary = await SummaryAsync(id, cancellationToken).ConfigureAwait(false);
        return _entries.TryGetValue(id, out var loaded) ? loaded : summary;   // loaded in the meantime: its entry
    }

    private async Task<ConversationSummary?> SummaryAsync(Guid id, CancellationToken cancellationToken)
    {
        var (store, stopping) = (Store, _stopping.Token);
        var read = _summaries.GetOrAdd(id, key => new Lazy<Task<ConversationSummary?>>(
            () => Task.Run(() => ConversationSummary.ReadAsync(store, key, stopping), CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication));
        ConversationSummary? summary;
        try
        {
            // The read is the service's, not the request's: a caller that gives up does not cancel it for the others.
            summary = await read.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogSummaryFailed(_logger, id, e.GetType().Name, e.Message);
            summary = null;
        }

        if (summary is null || !_unloaded.ContainsKey(id))
        {
            _summaries.TryRemove(KeyValuePair.Create(id, read));   // gone, failed (the next listing tries again) or loaded meanwhile
        }

        return summary;
    }

    /// <summary>Drops the summary of a conversation just loaded: its entry answers from now on.</summary>
    private void ForgetSummary(Guid id) => _summaries.TryRemove(id, out _);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Conversation {Id} cannot be listed from its files: {Error}: {Reason}; it is tried again on the next listing")]
    private static partial void LogSummaryFailed(Microsoft.Extensions.Logging.ILogger logger, Guid id, string error, string reason);
}
