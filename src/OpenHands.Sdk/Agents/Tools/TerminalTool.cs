using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Agents.Tools;

/// <summary>
/// The <c>terminal</c> tool: runs a bash command in the conversation's working directory and reports its output
/// and exit code (observation kind <c>TerminalObservation</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each call runs in a fresh shell, so <c>cd</c> and exported variables do not carry over to the next call (the
/// Python tool keeps one session; its <c>is_input</c> and <c>reset</c> parameters are accepted for compatibility).
/// Stdout and stderr are captured together in the order they were written.
/// </para>
/// <para>
/// Nothing outlives a call: on Unix the command runs in its own process group (through <c>setsid</c>), and the
/// whole group, background jobs included, is killed when the command ends, times out or is cancelled. A command
/// that runs longer than its timeout is killed and reported as an error. Thread-safe: calls are independent.
/// </para>
/// </remarks>
public sealed class TerminalTool : ToolBase
{
    /// <summary>The name the model calls this tool by.</summary>
    public const string ToolName = "terminal";

    /// <summary>The <c>kind</c> of this tool's observations.</summary>
    public const string ObservationKindName = "TerminalObservation";

    private static readonly JsonElement Schema = ToolSchema.Object(
        ["command"],
        ("command", ToolSchema.String(
            "The bash command to run, for example `ls -la` or `python3 -m pytest -q`. Chain several commands with `&&` or `;`.")),
        ("is_input", ToolSchema.Boolean(
            "Whether `command` is input for a process that is still running. Always false here: every command runs to completion in a fresh shell, so there is never a process waiting for input.")),
        ("timeout", ToolSchema.Number(
            "Optional time limit in seconds for this command. A command that runs longer is killed, with every process it started. Raise it for long builds or test runs.")),
        ("reset", ToolSchema.Boolean(
            "Whether to start a fresh shell. Every command already runs in a fresh shell, so this changes nothing.")));

    /// <summary>Initializes a new instance of the <see cref="TerminalTool"/> class.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    public TerminalTool(TerminalToolOptions? options = null)
    {
        Options = options ?? new TerminalToolOptions();
    }

    /// <summary>Gets the settings the tool runs with.</summary>
    public TerminalToolOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => ToolName;

    /// <inheritdoc/>
    public override string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        Runs a bash command in the working directory of this conversation and returns what it printed (stdout and stderr together) followed by its exit code.

        * Each call starts a fresh bash process in the working directory: `cd` and `export` do not carry over to the next call, so chain dependent steps in one command (`cd src && make`).
        * Commands run without a terminal and with empty input: do not start interactive programs or editors; pass flags such as `-y` or `--no-pager`.
        * A command that runs longer than its timeout ({Options.Timeout.TotalSeconds:0.#} seconds unless you set `timeout`) is killed.
        * When the command ends, every process it started is stopped too, including background jobs (`cmd &`). Do not start servers you expect to keep running.
        * Output longer than {Options.MaxOutputLength} characters is shortened: its beginning and end are kept. Redirect big output to a file and inspect it in parts.
        """);

    /// <inheritdoc/>
    public override JsonElement ParametersSchema => Schema;

    /// <inheritdoc/>
    public override string ObservationKind => ObservationKindName;

    /// <inheritdoc/>
    protected override async Task<ToolResult> ExecuteCoreAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(ToolName, toolCall.Arguments);
        var command = arguments.String("command", required: true);
        var isInput = arguments.Boolean("is_input");
        var timeoutSeconds = arguments.Number("timeout");
        var reset = arguments.Boolean("reset");
        if (arguments.Error is not null)
        {
            return Failure(command, arguments.Error);
        }

        if (isInput)
        {
            return Failure(command,
                "There is no interactive session to send input to: every command runs to completion in its own shell. "
                + "Run the full command again with is_input set to false (pipe input into it if it needs some).");
        }

        if (string.IsNullOrWhiteSpace(command))
        {
            return reset
                ? Success(command ?? string.Empty, "The terminal was reset. (Every command runs in a fresh shell anyway.)", exitCode: 0)
                : Failure(command, "The command is empty. There is no earlier command still running whose output could be shown.");
        }

        var timeout = Options.Timeout;
        if (timeoutSeconds is { } seconds)
        {
            if (seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return Failure(command, $"Invalid arguments for '{ToolName}': 'timeout' must be a positive number of seconds.");
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        if (!Directory.Exists(context.WorkingDirectory))
        {
            return Failure(command, $"The working directory '{context.WorkingDirectory}' does not exist.");
        }

        ShellRunResult run;
        try
        {
            // The conversation's secrets that the command names are set as environment variables (the Python rule).
            var secrets = context.SecretsNamedIn(command).ToDictionary(s => s.Key, s => s.Value.Reveal(), StringComparer.Ordinal);
            run = await ShellRunner.RunAsync(
                Options.ShellPath, command, context.WorkingDirectory, timeout, Options.MaxOutputLength, context.TimeProvider, cancellationToken, secrets)
                .ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            return Failure(command, $"Could not start '{Options.ShellPath}': {e.Message}");
        }

        var text = new StringBuilder(run.Output);
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }

        if (run.TimedOut)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"[The command timed out after {timeout.TotalSeconds:0.###} seconds and was killed, together with every process it started. Set a larger `timeout` if it needs more time, or run less at once.]");
            return ToolResult.Error(text.ToString()) with { Fields = Fields(command, exitCode: -1, timedOut: true) };
        }

        text.Append(CultureInfo.InvariantCulture, $"[exit code {run.ExitCode}]");
        return Success(command, text.ToString(), run.ExitCode ?? -1);
    }

    private static ToolResult Success(string command, string text, int exitCode) =>
        new(text) { Fields = Fields(command, exitCode, timedOut: false) };

    private static ToolResult Failure(string? command, string text) =>
        ToolResult.Error(text) with { Fields = new ObservationFields().Add("command", command ?? string.Empty).Add("timeout", false).Build() };

    private static System.Collections.Immutable.ImmutableDictionary<string, JsonElement> Fields(string command, int exitCode, bool timedOut) =>
        new ObservationFields().Add("command", command).Add("exit_code", exitCode).Add("timeout", timedOut).Build();
}
