namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>How <see cref="ShellRunner"/> runs a command, beyond its defaults.</summary>
/// <param name="SeparateErrorOutput">Keep stderr apart from stdout (in <see cref="ShellRunResult.ErrorOutput"/>) instead of merging them in order.</param>
/// <param name="RemoveVariable">Which inherited environment variables the command must not see (the server's keys, for example).</param>
internal sealed record ShellRunOptions(bool SeparateErrorOutput, Func<string, bool> RemoveVariable)
{
    public static readonly ShellRunOptions Default = new(false, static _ => false);
}
