using System.Text;
using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Internal;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The one owner of path confinement: every path a client sends to a workspace route (bash <c>cwd</c>, files, git,
/// a conversation's workspace) is resolved here against a root folder, and refused with a 400 before anything is read
/// or written when it could leave that root.
/// </summary>
/// <remarks>
/// Refused: an empty path, a NUL or other control character, a backslash, a <c>..</c> segment, percent-encoded dots,
/// slashes, backslashes or NULs left after the one URL decoding (double encoding), a name over 255 bytes or a path over
/// 4096 characters, an absolute path outside the root, and any path whose real location (every symbolic link resolved
/// by <c>realpath(3)</c>) is outside the root, a dangling link included. A relative path is relative to the root; an
/// absolute path inside it is accepted, as the Python clients send absolute paths. The answer is the real path, so
/// the caller's file operations never follow a link again. A link swapped in after the check (a race with a command the
/// same client runs) is outside what this check can see; the bash route can run any command in the root anyway.
/// </remarks>
internal sealed class WorkspacePaths
{
    public const int MaxPathLength = 4096;
    public const int MaxNameBytes = 255;

    private static readonly string[] EncodedSeparators = ["%2e", "%2f", "%5c", "%00"];

    public WorkspacePaths(string root)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>Gets the root as configured (a full path without a trailing separator).</summary>
    public string Root { get; }

    /// <summary>Creates the root when it does not exist yet.</summary>
    public void EnsureRoot() => AtomicFile.EnsureDirectory(Root);   // 0700 on Unix, as every folder the server creates

    /// <summary>The real location of <paramref name="path"/> inside the root.</summary>
    /// <param name="path">What the client sent: relative to the root, or absolute inside it.</param>
    /// <param name="location">Where the path came from, for the error (such as <c>query</c>, <c>path</c>).</param>
    /// <exception cref="ApiException">400: the path is refused (see the remarks); 422 when it is missing.</exception>
    public string Resolve(string? path, params string[] location)
    {
        if (path is null)
        {
            throw ApiException.Validation("Field required", "missing", location);
        }

        CheckText(path);
        EnsureRoot();
        var realRoot = RealRoot();
        var candidate = Path.IsPathRooted(path) ? Path.GetFullPath(path) : Path.GetFullPath(Path.Combine(Root, path));
        candidate = Path.TrimEndingDirectorySeparator(candidate);
        string relative;
        if (IsInside(candidate, Root))
        {
            relative = Path.GetRelativePath(Root, candidate);
        }
        else if (IsInside(candidate, realRoot))
        {
            relative = Path.GetRelativePath(realRoot, candidate);
        }
        else
        {
            throw Outside();
        }

        return Real(realRoot, relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar));
    }

    /// <summary>The path of <paramref name="fullPath"/> (inside the root) relative to the root, with forward slashes.</summary>
    public string Relative(string fullPath)
    {
        var relative = Path.GetRelativePath(RealRoot(), fullPath);
        return relative == "." ? string.Empty : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The real path of the root (it may itself sit below a link, such as <c>/tmp</c> on macOS).</summary>
    public string RealRoot() => (OperatingSystem.IsWindows() ? null : NativeMethods.RealPath(Root)) ?? Root;

    private static void CheckText(string path)
    {
        if (path.Length == 0)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is empty: give a path inside the workspace.");
        }

        if (path.Length > MaxPathLength)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"Path is too long: at most {MaxPathLength} characters.");
        }

        foreach (var c in path)
        {
            if (c < ' ' || c == '\u007f')
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Path contains a NUL or control character.");
            }

            if (c == '\\')
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Path contains a backslash: separate folders with '/'.");
            }
        }

        foreach (var encoded in EncodedSeparators)
        {
            if (path.Contains(encoded, StringComparison.OrdinalIgnoreCase))
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Path contains a percent-encoded dot, slash or NUL: send the path decoded once.");
            }
        }

        foreach (var name in path.Split('/'))
        {
            if (name == "..")
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Path contains '..': give a path inside the workspace.");
            }

            if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"A name in the path is too long: at most {MaxNameBytes} bytes.");
            }
        }
    }

    /// <summary>
    /// Resolves the longest existing prefix with <c>realpath(3)</c> and appends the names that do not exist yet; refuses
    /// a result outside the root, and a dangling link anywhere on the way.
    /// </summary>
    private static string Real(string realRoot, string[] names)
    {
        if (OperatingSystem.IsWindows())
        {
            return names.Length == 0 ? realRoot : Path.Combine([realRoot, .. names]);
        }

        var existing = names.Length;
        while (existing > 0)
        {
            var prefix = Path.Combine([realRoot, .. names.AsSpan(0, existing)]);
            if (Path.Exists(prefix))
            {
                break;
            }

            if (new FileInfo(prefix).LinkTarget is not null)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Path goes through a dangling symbolic link.");
            }

            existing--;
        }

        var real = NativeMethods.RealPath(existing == 0 ? realRoot : Path.Combine([realRoot, .. names.AsSpan(0, existing)]))
            ?? throw new ApiException(StatusCodes.Status400BadRequest, "Path cannot be resolved.");
        if (!IsInside(real, realRoot))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is outside the workspace: a symbolic link on it points out of the workspace.");
        }

        return existing == names.Length ? real : Path.Combine([real, .. names.AsSpan(existing)]);
    }

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static ApiException Outside() => new(StatusCodes.Status400BadRequest, "Path is outside the workspace.");
}
