using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Internal;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// A conversation's events as they happen: each is stamped, persisted through the <see cref="EventLog"/>, then handed
/// to the live streams and the callbacks, in that order.
/// </summary>
/// <remarks><see cref="Emit"/> is called under the conversation's gate; snapshots and streams may be taken from any thread.</remarks>
internal sealed class EventStream
{
    private readonly EventLog _log;
    private readonly Action<ConversationEvent>[] _callbacks;
    private readonly List<Channel<ConversationEvent>> _subscribers = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Guid _conversationId;
    private bool _completed;

    public EventStream(Guid conversationId, EventLog log, IEnumerable<Action<ConversationEvent>> callbacks, TimeProvider time, ILogger logger)
    {
        _conversationId = conversationId;
        _log = log;
        _callbacks = [.. callbacks];
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets the live list of events; read it only under the conversation's gate.</summary>
    public IReadOnlyList<ConversationEvent> Logged => _log.Events;

    /// <summary>Returns a copy of the events so far, oldest first.</summary>
    public IReadOnlyList<ConversationEvent> Snapshot()
    {
        lock (_subscribers)
        {
            return [.. _log.Events];
        }
    }

    /// <summary>Reads the log (its index: searches, counts, lookups) consistently with the appends, from any thread.</summary>
    public T Read<T>(Func<EventLog, T> read)
    {
        lock (_subscribers)
        {
            return read(_log);
        }
    }

    /// <summary>Stamps, persists, then publishes an event.</summary>
    /// <returns>The event as persisted (with its timestamp and parent).</returns>
    public ConversationEvent Emit(ConversationEvent e)
    {
        var last = _log.Events.Count > 0 ? _log.Events[^1] : null;
        var stamped = e.Stamped(_time.GetUtcNow(), last?.Id);
        lock (_subscribers)
        {
            _log.Append(stamped);
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryWrite(stamped);
            }
        }

        Notify(stamped);
        return stamped;
    }

    /// <summary>
    /// Publishes a transient event (a <see cref="StreamingDeltaEvent"/>) to the live streams and the callbacks without
    /// persisting it: it gets a timestamp but no parent, and is not in <see cref="Logged"/> or the snapshots (issue 14).
    /// </summary>
    public void Publish(ConversationEvent transient)
    {
        var stamped = transient.Stamped(_time.GetUtcNow(), null);
        lock (_subscribers)
        {
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryWrite(stamped);
            }
        }

        Notify(stamped);
    }

    private void Notify(ConversationEvent stamped)
    {
        foreach (var callback in _callbacks)
        {
            try
            {
                callback(stamped);
            }
#pragma warning disable CA1031 // A failing callback must not affect the conversation or other callbacks.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.CallbackFailed(_conversationId, stamped.Kind, ex);
            }
        }
    }

    /// <summary>The events from <paramref name="fromIndex"/> on, then new ones, until cancelled or <see cref="Complete"/>.</summary>
    public async IAsyncEnumerable<ConversationEvent> WatchAsync(int fromIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ConversationEvent>(new UnboundedChannelOptions { SingleReader = true });
        ConversationEvent[] backlog;
        lock (_subscribers)
        {
            backlog = [.. _log.Events.Skip(fromIndex)];
            _subscribers.Add(channel);
            if (_completed)
            {
                channel.Writer.TryComplete();
            }
        }

        try
        {
            foreach (var e in backlog)
            {
                yield return e;
            }

            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            lock (_subscribers)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>Ends every live stream.</summary>
    public void Complete()
    {
        lock (_subscribers)
        {
            _completed = true;
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryComplete();
            }
        }
    }
}
