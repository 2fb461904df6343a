using Microsoft.Extensions.Logging;

namespace OpenHands.Cli;

/// <summary>
/// Shows the SDK's warnings and errors as one stderr line each (for example the plaintext-secrets warning when no
/// <c>OH_SECRET_KEY</c> is set); information and debug messages are the commands' own business and stay silent.
/// </summary>
internal sealed class CliLoggerFactory(CliIo io) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new WarningLogger(io);

    public void AddProvider(ILoggerProvider provider)
    {
        // The CLI has one destination, stderr; providers added later are not used.
    }

    public void Dispose()
    {
    }

    private sealed class WarningLogger(CliIo io) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var prefix = logLevel >= LogLevel.Error ? "error: " : "warning: ";
                io.Note(prefix + formatter(state, exception).ReplaceLineEndings(" "));
            }
        }
    }
}
