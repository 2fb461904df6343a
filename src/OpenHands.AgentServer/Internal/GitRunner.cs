using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Runs <c>git</c> as a process with an argument list (never a shell string), confined to the workspace root:
/// <c>GIT_CEILING_DIRECTORIES</c> stops git from finding a repository above the root, prompts and optional locks are
/// off, the server's keys are not in its environment, and a run that takes longer than its timeout is killed.
/// </summary>
internal sealed class GitRunner(WorkspacePaths paths)
{
    /// <summary>The hash of git's empty tree: the base of a repository without commits.</summary>
    public const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    private const int MaxOutputBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public WorkspacePaths Paths { get; } = paths;

    /// <summary>Runs git in <paramref name="directory"/>.</summary>
    /// <param name="directory">A folder inside the workspace root.</param>
    /// <param name="arguments">The arguments after <c>git</c>.</param>
    /// <param name="cancellationToken">Stops the run (the process is killed).</param>
    /// <param name="output">Where stdout goes instead of the result (a patch on disk), or null to collect it.</param>
    /// <param name="environment">Extra variables, such as <c>GIT_INDEX_FILE</c>.</param>
    /// <exception cref="ApiException">503 when git is not installed.</exception>
    public async Task<GitResult> RunAsync(
        string directory, IEnumerable<string> arguments, CancellationToken cancellationToken, Stream? output = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = "git",
            WorkingDirectory = directory,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-c", "core.quotepath=off", "-c", "core.fsmonitor=false", "--no-pager", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(n => n.StartsWith("GIT_", StringComparison.Ordinal) || AgentServerConfiguration.IsKeyVariable(n)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(Paths.RealRoot()) ?? Paths.RealRoot();
        startInfo.Environment["GIT_TERMINAL_PROMPT"] = "0";
        startInfo.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        startInfo.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"git cannot be run ({e.Message}): install git on the server.");
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var collected = new MemoryStream();
        var stdout = CopyBoundedAsync(process.StandardOutput.BaseStream, output ?? collected, output is null ? MaxOutputBytes : long.MaxValue, timeout.Token);
        var stderr = CopyBoundedAsync(process.StandardError.BaseStream, new MemoryStream(), 64 * 1024, timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ApiException(StatusCodes.Status400BadRequest, $"git took longer than {Timeout.TotalSeconds} s and was stopped.");
        }

        var error = (MemoryStream)await stderr.ConfigureAwait(false);
        return new GitResult(process.ExitCode, Encoding.UTF8.GetString(collected.GetBuffer(), 0, (int)collected.Length), Encoding.UTF8.GetString(error.ToArray()).Trim());
    }

    /// <summary>The repository's top folder for <paramref name="directory"/>, or null when it is in none (inside the root).</summary>
    public async Task<string?> TopLevelAsync(string directory, CancellationToken cancellationToken)
    {
        var result = await RunAsync(directory, ["rev-parse", "--show-toplevel"], cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 && result.Output.Trim() is { Length: > 0 } top ? top : null;
    }

    /// <summary>The full hash <paramref name="revision"/> names, or null.</summary>
    public async Task<string?> RevParseAsync(string repository, string revision, CancellationToken cancellationToken)
    {
        var result = await RunAsync(repository, ["rev-parse", "--verify", "--quiet", revision], cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 && result.Output.Trim() is { Length: > 0 } sha ? sha : null;
    }

    private static async Task<Stream> CopyBoundedAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (total < limit)
            {
                var take = (int)Math.Min(read, limit - total);
                await target.WriteAsync(buffer.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
            }

            total += read;
        }

        return target;
    }
}

/// <summary>What one git run produced.</summary>
internal sealed record GitResult(int ExitCode, string Output, string Error);
