namespace OpenHands.Testing;

/// <summary>
/// A clock that tests move by hand (<see cref="Advance"/>), or that fires every timer at once
/// (<see cref="AutoAdvance"/>), and that records every wait it was asked for.
/// </summary>
/// <remarks>Thread-safe. Timer callbacks run on the thread pool, never inside <see cref="CreateTimer"/>.</remarks>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<TimeSpan> _requestedDelays = [];
    private DateTimeOffset _now;

    /// <summary>Initializes a new instance of the <see cref="FakeTimeProvider"/> class.</summary>
    /// <param name="start">The start time; the default is 2025-01-01T00:00:00Z.</param>
    public FakeTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Gets or sets whether a timer fires as soon as it is armed, moving the clock forward by its due time: waits take no
    /// real time, and <see cref="RequestedDelays"/> says how long they would have been. Timeouts fire at once too, so
    /// leave timeouts off in such tests. The default is <see langword="false"/>.
    /// </summary>
    public bool AutoAdvance { get; set; }

    /// <summary>Gets the due times of every timer armed so far, in order (<see cref="Timeout.InfiniteTimeSpan"/> ones excluded).</summary>
    public IReadOnlyList<TimeSpan> RequestedDelays
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestedDelays];
            }
        }
    }

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward and fires every timer that falls due, in order.</summary>
    /// <param name="delta">How far to move; must not be negative.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            FakeTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt is { } at && at <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt!.Value > _now ? due.DueAt.Value : _now;
                due.DueAt = due.Period is { } period ? _now + period : null;
            }

            due.Fire();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private void Arm(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        var fireNow = false;
        lock (_gate)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                timer.DueAt = null;
                return;
            }

            _requestedDelays.Add(dueTime);
            timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            if (AutoAdvance)
            {
                _now += dueTime;
                timer.DueAt = null;
                fireNow = true;
            }
            else
            {
                timer.DueAt = _now + dueTime;
            }
        }

        if (fireNow)
        {
            timer.Fire();
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan? Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            owner.Arm(this, dueTime, period);
            return true;
        }

        public void Fire() => ThreadPool.UnsafeQueueUserWorkItem(_ => { if (!_disposed) { callback(state); } }, null);

        public void Dispose()
        {
            _disposed = true;
            owner.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
