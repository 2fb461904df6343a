using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// The archive routes of <c>/api/file</c>: a conversation's trajectory as a zip (Fernet tokens masked), and a workspace
/// folder as a gzip tarball or a git patch. Archives are built in a temp file outside the workspace that is deleted
/// when the answer is sent; links are never followed, so nothing outside the folder gets in.
/// </summary>
internal static partial class FileArchives
{
    private static readonly string[] DefaultExcludes =
        [".git/", "node_modules/", ".venv/", "venv/", "__pycache__/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/", "dist/", "build/", ".next/", "target/", "*.pyc"];

    private static readonly HashSet<string> SensitiveGitFiles = ["config", "config.worktree", "credentials", ".git-credentials", "FETCH_HEAD"];

    private static readonly HashSet<string> SkippedWhenSearching = ["node_modules", "venv", "site-packages", "vendor"];

    [GeneratedRegex("gAAAAA[A-Za-z0-9_\\-=]{20,}")]
    private static partial Regex FernetToken();

    public static async Task<FileStreamHttpResult> TrajectoryAsync(string conversation_id, ServerFolders folders, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(conversation_id, out var id))
        {
            throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "path", "conversation_id");
        }

        var source = new DirectoryInfo(Path.Combine(folders.Conversations, id.ToString("N")));
        if (!source.Exists)
        {
            throw ApiException.NotFound("Conversation not found");
        }

        var output = TempFile();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in source.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                var entry = zip.CreateEntry(source.Name + "/" + Path.GetRelativePath(source.FullName, file.FullName).Replace('\\', '/'), CompressionLevel.Fastest);
                await using var target = entry.Open();
                if (file.Extension == ".json")
                {
                    var text = await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
                    await target.WriteAsync(Encoding.UTF8.GetBytes(FernetToken().Replace(text, OpenHands.Sdk.Security.SecretString.Redacted)), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await using var read = file.OpenRead();
                    await read.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        output.Position = 0;
        return TypedResults.File(output, FileEndpoints.OctetStream, id.ToString("N") + ".zip");
    }

    public static async Task<IResult> ArchiveAsync(HttpRequest request, WorkspacePaths paths, GitRunner git, GitService gitService, HttpResponse response, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var format = QueryValues.Text(query, "format") ?? "git-delta";
        if (format is not ("git-delta" or "tar.gz"))
        {
            throw ApiException.Validation("Input should be 'git-delta' or 'tar.gz'", "literal_error", "query", "format");
        }

        var baseRef = QueryValues.Text(query, "base_ref");
        GitService.CheckRef(baseRef, "base_ref");
        var excludes = (QueryValues.Bool(query, "use_default_excludes", fallback: true) ? DefaultExcludes : []).Concat(query["exclude"].OfType<string>()).ToList();
        var target = paths.Resolve(QueryValues.Text(query, "path"), "query", "path");
        if (File.Exists(target))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is not a directory");
        }

        if (!Directory.Exists(target))
        {
            throw ApiException.NotFound("Directory not found");
        }

        var root = RepositoryRoot(target);
        var output = TempFile();
        if (format == "tar.gz")
        {
            await TarAsync(root, excludes, output, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (!Path.Exists(Path.Combine(root, ".git")))
            {
                await output.DisposeAsync().ConfigureAwait(false);
                throw new ApiException(StatusCodes.Status400BadRequest, "Not a git repository: use format=tar.gz for a folder without git.");
            }

            var baseCommit = await DeltaAsync(root, baseRef, excludes, git, gitService, output, cancellationToken).ConfigureAwait(false);
            if (baseCommit is not null)
            {
                response.Headers["X-Archive-Base-Commit"] = baseCommit;
                response.Headers["X-Archive-Base-Ref"] = baseRef ?? "auto";
            }
        }

        response.Headers["X-Archive-Repo-Root"] = Uri.EscapeDataString(root);
        output.Position = 0;
        var name = Path.GetFileName(root);
        return format == "tar.gz"
            ? TypedResults.File(output, "application/gzip", name + ".tar.gz")
            : TypedResults.File(output, "text/x-patch", name + ".patch");
    }

    /// <summary>A temp file outside the workspace, deleted when the answer closes it.</summary>
    private static FileStream TempFile() =>
        new(Path.Combine(Path.GetTempPath(), $"openhands-archive-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>The folder itself when it is a repository, else the one repository up to three levels below it, else the folder.</summary>
    private static string RepositoryRoot(string target)
    {
        if (Path.Exists(Path.Combine(target, ".git")))
        {
            return target;
        }

        var found = new List<string>();
        var frontier = new Stack<(DirectoryInfo Folder, int Depth)>([(new DirectoryInfo(target), 0)]);
        while (frontier.TryPop(out var item) && found.Count < 2)
        {
            if (item.Depth >= 3)
            {
                continue;
            }

            foreach (var child in item.Folder.EnumerateDirectories())
            {
                if (child.Name.StartsWith('.') || SkippedWhenSearching.Contains(child.Name) || child.LinkTarget is not null)
                {
                    continue;
                }

                if (Path.Exists(Path.Combine(child.FullName, ".git")))
                {
                    found.Add(child.FullName);
                }
                else
                {
                    frontier.Push((child, item.Depth + 1));
                }
            }
        }

        return found.Count == 1 ? found[0] : target;
    }

    private static async Task TarAsync(string root, List<string> excludes, Stream output, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(root);
        long files = 0, bytes = 0;
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var pending = new Stack<string>([string.Empty]);
            while (pending.TryPop(out var relative))
            {
                var folder = new DirectoryInfo(relative.Length == 0 ? root : Path.Combine(root, relative));
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, relative.Length == 0 ? name : $"{name}/{relative}"), cancellationToken).ConfigureAwait(false);
                foreach (var entry in folder.EnumerateFileSystemInfos())
                {
                    var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
                    if (entry.LinkTarget is not null || IsSensitiveGitFile(path))
                    {
                        continue;
                    }

                    if (entry is DirectoryInfo)
                    {
                        if (!IsExcluded(path, excludes, isDirectory: true))
                        {
                            pending.Push(path);
                        }
                    }
                    else if (entry is FileInfo file && !IsExcluded(path, excludes, isDirectory: false))
                    {
                        await using var read = file.OpenRead();
                        var member = new PaxTarEntry(TarEntryType.RegularFile, $"{name}/{path}") { DataStream = read };
                        await tar.WriteEntryAsync(member, cancellationToken).ConfigureAwait(false);
                        files++;
                        bytes += read.Length;
                    }
                }
            }

            var manifest = JsonSerializer.SerializeToUtf8Bytes(
                new ArchiveManifest { Format = "tar.gz", Source = name, FileCount = files, TotalBytes = bytes, Excludes = excludes }, WireJson.Contract<ArchiveManifest>());
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"{name}/archive_manifest.json") { DataStream = new MemoryStream(manifest) }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A patch of the working tree against the base (tracked changes, new files, deletions), built with a throwaway
    /// index so the repository's own index is never touched.
    /// </summary>
    /// <returns>The base commit, or null when the base is the empty tree.</returns>
    private static async Task<string?> DeltaAsync(
        string root, string? baseRef, List<string> excludes, GitRunner git, GitService gitService, Stream output, CancellationToken cancellationToken)
    {
        var reference = await gitService.BaseAsync(root, baseRef, cancellationToken).ConfigureAwait(false);
        var index = Path.Combine(Path.GetTempPath(), $"openhands-index-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
        var pathspecs = excludes.SelectMany(Pathspecs).ToList();
        try
        {
            foreach (var step in new[] { (string[])["read-tree", reference], ["add", "-A", "--", ".", .. pathspecs] })
            {
                var result = await git.RunAsync(root, step, cancellationToken, environment: environment).ConfigureAwait(false);
                if (result.ExitCode != 0)
                {
                    throw new ApiException(StatusCodes.Status400BadRequest, $"git {step[0]} failed: {result.Error}");
                }
            }

            var diff = await git.RunAsync(root, ["diff", "--binary", "--cached", reference, "--", ".", .. pathspecs], cancellationToken, output, environment).ConfigureAwait(false);
            if (diff.ExitCode != 0)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"git diff failed: {diff.Error}");
            }
        }
        finally
        {
            File.Delete(index);
        }

        return reference == GitRunner.EmptyTree ? null : reference;
    }

    /// <summary>An exclude as git pathspecs: a bare name at any depth, a path anchored at the root, a trailing <c>/</c> for folders only.</summary>
    private static IEnumerable<string> Pathspecs(string exclude)
    {
        var folderOnly = exclude.EndsWith('/');
        var pattern = exclude.TrimEnd('/');
        if (pattern.Length == 0)
        {
            yield break;
        }

        var prefix = pattern.Contains('/', StringComparison.Ordinal) ? string.Empty : "**/";
        if (!folderOnly)
        {
            yield return $":(glob,exclude){prefix}{pattern}";
        }

        yield return $":(glob,exclude){prefix}{pattern}/**";
    }

    /// <summary>The gitignore-like rule of the Python server: a bare name matches any segment, a path matches from the root.</summary>
    private static bool IsExcluded(string relative, List<string> patterns, bool isDirectory)
    {
        var parts = relative.Split('/');
        foreach (var raw in patterns)
        {
            var pattern = raw.TrimEnd('/');
            var folderOnly = raw.EndsWith('/');
            if (pattern.Contains('/', StringComparison.Ordinal))
            {
                var patternParts = pattern.Split('/');
                if (parts.Length >= patternParts.Length && patternParts.Select((p, i) => Matches(parts[i], p)).All(m => m)
                    && !(folderOnly && !isDirectory && parts.Length == patternParts.Length))
                {
                    return true;
                }
            }
            else if ((isDirectory || !folderOnly ? parts : parts[..^1]).Any(part => Matches(part, pattern)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string name, string pattern) => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false);

    /// <summary>Credential-bearing files inside any <c>.git</c> folder (its config, saved credentials, FETCH_HEAD, reflogs): never archived.</summary>
    private static bool IsSensitiveGitFile(string relative)
    {
        var parts = relative.Split('/');
        var git = Array.IndexOf(parts, ".git");
        if (git < 0 || git == parts.Length - 1)
        {
            return false;
        }

        var inside = parts[(git + 1)..];
        return inside.Contains("logs") || SensitiveGitFiles.Contains(inside[^1]);
    }
}
