using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenHands.Testing;

/// <summary>
/// A logger provider that keeps every log line in memory, with its structured values, scopes and exception, for
/// asserting on log output (for example that no secret is ever logged).
/// </summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Gets the lines logged so far: <c>[level] category: message | values</c>, followed by the exception's full text when there is one.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Gets the same lines as <see cref="Lines"/>.</summary>
    public IReadOnlyCollection<string> Entries => Lines;

    /// <summary>Gets all lines as one text.</summary>
    public string Text => string.Join("\n", _lines);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    /// <summary>Creates a logger factory that sends everything, down to trace, to this provider.</summary>
    /// <returns>The factory; the caller disposes it.</returns>
    public ILoggerFactory CreateFactory() =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Collector(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner._lines.Enqueue($"[Scope] {category}: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString();
            var line = $"[{logLevel}] {category}: {formatter(state, exception)} | {values}";
            owner._lines.Enqueue(exception is null ? line : line + "\n" + exception);
        }
    }
}
