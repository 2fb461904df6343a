using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Remote.Tests.Support;

/// <summary>Reads an event stream in the background, for tests that act while it runs.</summary>
public sealed class EventCollector : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ConversationEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    public EventCollector(Func<CancellationToken, IAsyncEnumerable<ConversationEvent>> stream)
    {
        _reading = Task.Run(async () =>
        {
            await foreach (var e in stream(_stop.Token))
            {
                lock (_gate)
                {
                    _events.Add(e);
                }
            }
        });
    }

    public IReadOnlyList<ConversationEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The read: completes when the stream ends (or faults with its error).</summary>
    public Task Completion => _reading;

    public async Task<IReadOnlyList<ConversationEvent>> WaitForAsync(Func<IReadOnlyList<ConversationEvent>, bool> done, double seconds = 15)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!done(Events))
        {
            if (_reading.IsCompleted)
            {
                await _reading;   // surfaces the stream's error
                throw new AssertionException($"The stream ended after {Events.Count} events without reaching the expected point.");
            }

            if (TimeProvider.System.GetElapsedTime(deadline).TotalSeconds > seconds)
            {
                throw new AssertionException($"Timed out after {seconds} s with {Events.Count} events: {string.Join(", ", Events.Select(e => e.Kind))}.");
            }

            await Task.Delay(20);
        }

        return Events;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception) when (_reading.IsFaulted)
        {
            // A test that cares about the error awaits Completion itself.
        }

        _stop.Dispose();
    }
}
