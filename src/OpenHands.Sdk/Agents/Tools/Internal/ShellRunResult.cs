namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>What one shell command produced.</summary>
/// <param name="Output">Stdout and stderr in arrival order (stdout alone when stderr was kept apart), truncated to the budget.</param>
/// <param name="ExitCode">The shell's exit code, or <see langword="null"/> when it was killed for the timeout.</param>
/// <param name="TimedOut">Whether the timeout expired and the command was killed.</param>
/// <param name="ErrorOutput">Stderr, when it was kept apart from stdout (truncated to its own budget); else <see langword="null"/>.</param>
internal sealed record ShellRunResult(string Output, int? ExitCode, bool TimedOut, string? ErrorOutput = null);
