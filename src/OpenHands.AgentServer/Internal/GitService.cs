using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The git view of the workspace (<c>/api/git</c>), in the Python agent-server's shapes: the changes of a repository
/// against a base, one file before and after, the newest commits and what one commit changed. A folder that is not
/// in a repository has no changes, an empty diff and no commits, as there.
/// </summary>
/// <remarks>
/// The base, when no <c>ref</c> is given: the current branch's <c>origin/&lt;branch&gt;</c> (unless it is HEAD with a
/// clean tree), else the merge base with the remote's default branch, else <c>HEAD</c>, else (no commits) the empty
/// tree. A ref or commit that starts with <c>-</c> is refused, so no value can become a git option.
/// </remarks>
internal sealed partial class GitService(GitRunner git)
{
    public const int MaxDiffFileBytes = 1024 * 1024;

    public WorkspacePaths Paths => git.Paths;

    [GeneratedRegex("^[0-9a-fA-F]{4,64}$")]
    public static partial Regex ShaPattern();

    public async Task<List<GitChange>> ChangesAsync(string directory, string? reference, CancellationToken cancellationToken)
    {
        RequireFolder(directory);
        if (await git.TopLevelAsync(directory, cancellationToken).ConfigureAwait(false) is not { } top)
        {
            return [];
        }

        var changes = await ChangesInRepositoryAsync(top, reference, cancellationToken).ConfigureAwait(false);
        foreach (var nested in Directory.EnumerateDirectories(top).Where(d => Path.Exists(Path.Combine(d, ".git"))))
        {
            var name = Path.GetFileName(nested);
            changes.RemoveAll(c => c.Path == name || c.Path.StartsWith(name + "/", StringComparison.Ordinal));
            try
            {
                changes.AddRange((await ChangesInRepositoryAsync(nested, reference, cancellationToken).ConfigureAwait(false))
                    .Select(c => new GitChange { Status = c.Status, Path = name + "/" + c.Path }));
            }
            catch (ApiException)
            {
                // A nested folder that is not a valid repository (or lacks the ref) is skipped, as in the Python server.
            }
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    public async Task<GitDiff> DiffAsync(string file, string? reference, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "File does not exist: give a file in the workspace.");
        }

        if (new FileInfo(file).Length > MaxDiffFileBytes)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"File too large for git diff: at most {MaxDiffFileBytes} bytes.");
        }

        if (await git.TopLevelAsync(Path.GetDirectoryName(file)!, cancellationToken).ConfigureAwait(false) is not { } top)
        {
            return new GitDiff();
        }

        var baseRef = await BaseAsync(top, reference, cancellationToken).ConfigureAwait(false);
        var relative = Path.GetRelativePath(top, file).Replace(Path.DirectorySeparatorChar, '/');
        var original = await ShowAsync(top, baseRef, relative, cancellationToken).ConfigureAwait(false);
        string modified;
        try
        {
            modified = string.Join('\n', (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).ReplaceLineEndings("\n").Split('\n') is var lines && lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines);
        }
        catch (IOException)
        {
            modified = string.Empty;
        }

        return new GitDiff { Original = original, Modified = modified };
    }

    public async Task<GitDiff> CommitFileDiffAsync(string file, string commit, CancellationToken cancellationToken)
    {
        var folder = Directory.Exists(Path.GetDirectoryName(file)) ? Path.GetDirectoryName(file)! : Paths.RealRoot();
        if (await git.TopLevelAsync(folder, cancellationToken).ConfigureAwait(false) is not { } top)
        {
            return new GitDiff();
        }

        var sha = await ResolveCommitAsync(top, commit, cancellationToken).ConfigureAwait(false);
        var parent = await git.RevParseAsync(top, sha + "^", cancellationToken).ConfigureAwait(false);
        var relative = Path.GetRelativePath(top, file).Replace(Path.DirectorySeparatorChar, '/');
        return new GitDiff
        {
            Original = parent is null ? string.Empty : await ShowAsync(top, parent, relative, cancellationToken).ConfigureAwait(false),
            Modified = await ShowAsync(top, sha, relative, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<GitCommitsPage> CommitsAsync(string directory, int limit, CancellationToken cancellationToken)
    {
        RequireFolder(directory);
        if (await git.TopLevelAsync(directory, cancellationToken).ConfigureAwait(false) is not { } top
            || await git.RevParseAsync(top, "HEAD", cancellationToken).ConfigureAwait(false) is not { } head)
        {
            return new GitCommitsPage { Commits = [], HasMore = false };
        }

        var log = await RequireAsync(top, ["log", "--no-show-signature", "--format=%H%x1f%h%x1f%an%x1f%aI%x1f%s", "-n", (limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), head], cancellationToken).ConfigureAwait(false);
        var commits = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\x1f')).Where(f => f.Length == 5)
            .Select(f => new GitCommit { Sha = f[0], ShortSha = f[1], Author = f[2], Timestamp = f[3], Subject = f[4] }).ToList();
        return new GitCommitsPage { Commits = commits.Take(limit).ToList(), HasMore = commits.Count > limit };
    }

    public async Task<List<GitChange>> CommitChangesAsync(string directory, string commit, CancellationToken cancellationToken)
    {
        RequireFolder(directory);
        if (await git.TopLevelAsync(directory, cancellationToken).ConfigureAwait(false) is not { } top)
        {
            return [];
        }

        var sha = await ResolveCommitAsync(top, commit, cancellationToken).ConfigureAwait(false);
        var parent = await git.RevParseAsync(top, sha + "^", cancellationToken).ConfigureAwait(false) ?? GitRunner.EmptyTree;
        return ParseNameStatus(await RequireAsync(top, ["diff", "--name-status", "-z", parent, sha], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Refuses a ref that could be read as an option, or that is not a plain revision.</summary>
    public static void CheckRef(string? reference, string name)
    {
        if (reference is not null && (reference.Length is 0 or > 256 || reference.StartsWith('-') || reference.Any(c => c < ' ' || c == '\u007f')))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"{name} must be a git revision that does not start with '-'.");
        }
    }

    /// <summary>The base to compare against (see the remarks of <see cref="GitService"/>).</summary>
    public async Task<string> BaseAsync(string top, string? reference, CancellationToken cancellationToken)
    {
        if (reference is not null)
        {
            return await git.RevParseAsync(top, reference + "^{commit}", cancellationToken).ConfigureAwait(false)
                ?? (reference == "HEAD" ? GitRunner.EmptyTree : throw new ApiException(StatusCodes.Status400BadRequest, $"ref '{reference}' does not name a commit in this repository."));
        }

        if (await git.RevParseAsync(top, "HEAD", cancellationToken).ConfigureAwait(false) is not { } head)
        {
            return GitRunner.EmptyTree;
        }

        var branch = (await git.RunAsync(top, ["symbolic-ref", "--quiet", "--short", "HEAD"], cancellationToken).ConfigureAwait(false)).Output.Trim();
        if (branch.Length > 0 && await git.RevParseAsync(top, "refs/remotes/origin/" + branch, cancellationToken).ConfigureAwait(false) is { } upstream)
        {
            var clean = (await git.RunAsync(top, ["diff", "--quiet", "HEAD"], cancellationToken).ConfigureAwait(false)).ExitCode == 0;
            if (upstream != head || !clean)
            {
                return upstream;
            }
        }

        var remoteHead = (await git.RunAsync(top, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], cancellationToken).ConfigureAwait(false)).Output.Trim();
        if (remoteHead.Length > 0)
        {
            var mergeBase = await git.RunAsync(top, ["merge-base", "HEAD", remoteHead], cancellationToken).ConfigureAwait(false);
            if (mergeBase.ExitCode == 0 && mergeBase.Output.Trim() is { Length: > 0 } fork)
            {
                return fork;
            }
        }

        return head;
    }

    private async Task<List<GitChange>> ChangesInRepositoryAsync(string top, string? reference, CancellationToken cancellationToken)
    {
        var baseRef = await BaseAsync(top, reference, cancellationToken).ConfigureAwait(false);
        var changes = ParseNameStatus(await RequireAsync(top, ["diff", "--name-status", "-z", baseRef], cancellationToken).ConfigureAwait(false));
        var untracked = await git.RunAsync(top, ["ls-files", "-z", "--others", "--exclude-standard"], cancellationToken).ConfigureAwait(false);
        if (untracked.ExitCode == 0)
        {
            changes.AddRange(untracked.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(p => new GitChange { Status = "ADDED", Path = p }));
        }

        return changes;
    }

    /// <summary>Reads <c>git diff --name-status -z</c>: a rename is the old path DELETED and the new ADDED, a copy the new ADDED.</summary>
    private static List<GitChange> ParseNameStatus(string output)
    {
        var fields = output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var changes = new List<GitChange>();
        for (var i = 0; i < fields.Length; i++)
        {
            var status = fields[i];
            if ((status.StartsWith('R') || status.StartsWith('C')) && i + 2 < fields.Length)
            {
                if (status.StartsWith('R'))
                {
                    changes.Add(new GitChange { Status = "DELETED", Path = fields[i + 1] });
                }

                changes.Add(new GitChange { Status = "ADDED", Path = fields[i + 2] });
                i += 2;
                continue;
            }

            if (i + 1 < fields.Length)
            {
                changes.Add(new GitChange { Status = status switch { "A" => "ADDED", "D" => "DELETED", _ => "UPDATED" }, Path = fields[i + 1] });
                i++;
            }
        }

        return changes;
    }

    private async Task<string> ResolveCommitAsync(string top, string commit, CancellationToken cancellationToken) =>
        await git.RevParseAsync(top, commit + "^{commit}", cancellationToken).ConfigureAwait(false)
        ?? throw new ApiException(StatusCodes.Status400BadRequest, $"'{commit}' does not name a commit in this repository.");

    private async Task<string> ShowAsync(string top, string revision, string relative, CancellationToken cancellationToken)
    {
        var spec = revision + ":" + relative;
        var size = await git.RunAsync(top, ["cat-file", "-s", spec], cancellationToken).ConfigureAwait(false);
        if (size.ExitCode != 0)
        {
            return string.Empty;
        }

        if (long.TryParse(size.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > MaxDiffFileBytes)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"File too large for git diff: at most {MaxDiffFileBytes} bytes.");
        }

        var shown = await git.RunAsync(top, ["show", spec], cancellationToken).ConfigureAwait(false);
        return shown.ExitCode == 0 ? shown.Output.TrimEnd('\n') : string.Empty;
    }

    private async Task<string> RequireAsync(string top, string[] arguments, CancellationToken cancellationToken)
    {
        var result = await git.RunAsync(top, arguments, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Output : throw new ApiException(StatusCodes.Status400BadRequest, $"git {arguments[0]} failed: {result.Error}");
    }

    private static void RequireFolder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is not a folder in the workspace.");
        }
    }
}
