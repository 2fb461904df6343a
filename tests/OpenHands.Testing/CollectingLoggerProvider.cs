using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenHands.Testing;

/// <summary>A logger provider that keeps every log line (with its exception) in memory, for asserting on log output.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Gets the lines logged so far: <c>[level] category: message</c>, followed by the exception's full text when there is one.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Gets all lines as one text.</summary>
    public string Text => string.Join("\n", _lines);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Collector(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"[{logLevel}] {category}: {formatter(state, exception)}";
            owner._lines.Enqueue(exception is null ? line : line + "\n" + exception);
        }
    }
}
