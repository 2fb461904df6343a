namespace OpenHands.Cli;

/// <summary>An error the CLI reports as one line (with its fix) and an exit code; never a stack trace.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : this(message, ExitCodes.Failure)
    {
    }

    public CliException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public CliException(string message, int exitCode)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; } = ExitCodes.Failure;

    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}
