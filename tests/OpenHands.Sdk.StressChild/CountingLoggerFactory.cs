using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.StressChild;

/// <summary>Counts warnings, so a workload can fail when the store skips a profile it could not read.</summary>
public sealed class CountingLoggerFactory : ILoggerFactory, ILogger
{
    private int _warnings;
    private string? _lastWarning;

    public int Warnings => Volatile.Read(ref _warnings);

    public string? LastWarning => Volatile.Read(ref _lastWarning);

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);

        // The plaintext-secrets notice (event 8) is expected when no cipher is used; anything else is a finding.
        if (logLevel >= LogLevel.Warning && eventId.Id != 8)
        {
            Volatile.Write(ref _lastWarning, formatter(state, exception));
            Interlocked.Increment(ref _warnings);
        }
    }

    public void Dispose()
    {
    }
}
