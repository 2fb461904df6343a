using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>
/// Runs one command in a fresh shell process and leaves nothing behind: on Unix the shell is started through
/// <c>setsid</c>, so the shell and everything it starts (background jobs included) share one new process group,
/// and that whole group is killed when the shell exits, times out, or the call is cancelled.
/// </summary>
/// <remarks>
/// <c>setsid</c> execs the shell in place (a child started by .NET is not a group leader, so <c>setsid</c> does
/// not fork), which makes the shell's pid the id of the new group. Without <c>setsid</c> (macOS, Windows) the
/// shell's process tree is killed instead, which cannot reach background jobs the shell already disowned.
/// </remarks>
internal static class ShellRunner
{
    /// <summary>Finds the shell commands run in: <c>/bin/bash</c>, else <c>/bin/sh</c>.</summary>
    public static string DefaultShell() => File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";

    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private static readonly Lazy<string?> Setsid = new(FindSetsid, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<ShellRunResult> RunAsync(
        string shellPath,
        string command,
        string workingDirectory,
        TimeSpan timeout,
        int maxOutputLength,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        ShellRunOptions? options = null)
    {
        options ??= ShellRunOptions.Default;
        cancellationToken.ThrowIfCancellationRequested();
        var setsid = Setsid.Value;
        var startInfo = new ProcessStartInfo
        {
            FileName = setsid ?? shellPath,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        if (setsid is not null)
        {
            startInfo.ArgumentList.Add(shellPath);
        }

        // Stderr joins stdout inside the shell so both arrive in the order they were written; the separate stderr
        // pipe still catches what the shell reports before that redirection runs (a syntax error, for example).
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(options.SeparateErrorOutput ? command : "exec 2>&1; " + command);
        foreach (var name in startInfo.Environment.Keys.Where(options.RemoveVariable).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["PAGER"] = "cat";
        startInfo.Environment["GIT_PAGER"] = "cat";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        process.Start();
        var groupId = setsid is null ? (int?)null : process.Id;
        var output = new BoundedOutput(maxOutputLength);
        var errorOutput = options.SeparateErrorOutput ? new BoundedOutput(maxOutputLength) : output;

        // Nothing is ever typed into the command: an immediate end of input keeps readers of stdin from waiting.
        process.StandardInput.Close();
        var readers = Task.WhenAll(
            PumpAsync(process.StandardOutput, output),
            PumpAsync(process.StandardError, errorOutput));

        // A timer cannot wait longer than about 49 days; a longer limit is no limit in practice.
        using var timeoutSource = new CancellationTokenSource(timeout.TotalMilliseconds >= uint.MaxValue - 1 ? System.Threading.Timeout.InfiniteTimeSpan : timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
        }

        await KillAsync(process, groupId, shellPath).ConfigureAwait(false);
        await DrainAsync(process, readers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        return new ShellRunResult(output.Render(), timedOut ? null : process.ExitCode, timedOut, options.SeparateErrorOutput ? errorOutput.Render() : null);
    }

    private static async Task PumpAsync(StreamReader reader, BoundedOutput output)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                output.Append(buffer.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe was closed under the reader after the grace period: what was read is kept.
        }
    }

    private static async Task KillAsync(Process process, int? groupId, string shellPath)
    {
        if (groupId is { } group)
        {
            // The group outlives its leader while any member runs, so this also reaches background jobs of a shell
            // that already exited. A leftover group id cannot be reused while the group has members.
            await KillGroupAsync(group, shellPath).ConfigureAwait(false);
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // It exited in between.
        }
    }

    private static async Task KillGroupAsync(int groupId, string shellPath)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = File.Exists("/bin/kill") ? "/bin/kill" : shellPath,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var target = "-" + groupId.ToString(CultureInfo.InvariantCulture);
        if (startInfo.FileName == shellPath)
        {
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add("kill -s KILL -- \"$1\"");
            startInfo.ArgumentList.Add("kill");
        }
        else
        {
            startInfo.ArgumentList.Add("-s");
            startInfo.ArgumentList.Add("KILL");
            startInfo.ArgumentList.Add("--");
        }

        startInfo.ArgumentList.Add(target);
        try
        {
            using var kill = Process.Start(startInfo);
            if (kill is not null)
            {
                // Output is ignored: "no such process" only means the group is already gone.
                var drain = Task.WhenAll(kill.StandardOutput.ReadToEndAsync(), kill.StandardError.ReadToEndAsync());
                await kill.WaitForExitAsync().ConfigureAwait(false);
                await drain.ConfigureAwait(false);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill program: the shell's own process tree is still killed by the caller.
        }
    }

    private static async Task DrainAsync(Process process, Task readers)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(DrainGrace).ConfigureAwait(false);
            await readers.WaitAsync(DrainGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process that escaped the group (its own setsid, for example) still holds the pipes open: stop
            // waiting for it; disposing the process closes our ends.
        }
    }

    private static string? FindSetsid()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
