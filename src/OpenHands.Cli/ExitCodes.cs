namespace OpenHands.Cli;

/// <summary>The process exit codes, documented in docs/cli.md.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked (a run paused with Ctrl+C included).</summary>
    public const int Ok = 0;

    /// <summary>The command failed: an LLM call, a tool run, a busy store, an I/O error.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the configuration is wrong: unknown option, missing profile, bad name, wrong key.</summary>
    public const int Usage = 2;
}
