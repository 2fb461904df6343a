using Spectre.Console;

namespace OpenHands.Cli;

/// <summary>
/// Where the CLI reads and writes, and what it knows of its environment. The process uses the console; tests pass
/// string writers and their own environment, so commands run in-process without touching process-wide state.
/// </summary>
internal sealed class CliIo
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader In { get; init; }

    /// <summary>Gets a value indicating whether stdin is a terminal (a key can be prompted for without echo).</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Gets the Spectre console for a terminal stdout (colours, spinner), or <see langword="null"/> for plain output.</summary>
    public IAnsiConsole? Terminal { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public string CurrentDirectory { get; init; } = System.Environment.CurrentDirectory;

    public static CliIo FromConsole()
    {
        var interactive = !Console.IsOutputRedirected;
        return new CliIo
        {
            Out = Console.Out,
            Error = Console.Error,
            In = Console.In,
            InputIsTerminal = !Console.IsInputRedirected,
            Terminal = interactive ? AnsiConsole.Console : null,
        };
    }

    /// <summary>The same streams, with stdout's plain lines sent to stderr: for commands whose stdout is machine-readable (<c>run --json</c>).</summary>
    public CliIo WithLinesOnStderr() => new()
    {
        Out = Error,
        Error = Error,
        In = In,
        InputIsTerminal = InputIsTerminal,
        Terminal = null,
        Environment = Environment,
        CurrentDirectory = CurrentDirectory,
    };

    public string? Env(string name) => Environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>Writes one line: with markup on a terminal, else the plain text.</summary>
    public void Line(string plain, string? markup = null)
    {
        if (Terminal is not null && markup is not null)
        {
            Terminal.MarkupLine(markup);
        }
        else if (Terminal is not null)
        {
            Terminal.WriteLine(plain);
        }
        else
        {
            Out.WriteLine(plain);
        }
    }

    /// <summary>Writes an error line to stderr.</summary>
    public void Fail(string message) => Error.WriteLine("error: " + message);

    /// <summary>Writes a note to stderr (things the user should know that are not the command's output).</summary>
    public void Note(string message) => Error.WriteLine(message);
}
