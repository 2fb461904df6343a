namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>Resolves a path given by the model against the working directory and keeps it inside that directory.</summary>
internal static class WorkspacePath
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Resolves <paramref name="path"/> (absolute, or relative to <paramref name="workingDirectory"/>).</summary>
    /// <returns>The full path, or <see langword="null"/> with <paramref name="error"/> set when it leaves the working directory.</returns>
    public static string? Resolve(string path, string workingDirectory, out string? error)
    {
        error = null;
        string root;
        string full;
        try
        {
            root = Path.GetFullPath(workingDirectory);
            full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(root, path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"The path '{path}' is not a valid path: {e.Message}";
            return null;
        }

        // Lexical check first (catches "../x"), then the same check on the real locations, so a symbolic link
        // inside the working directory cannot lead outside it either.
        if (!IsInside(full, root) || !IsInside(RealPath(full), RealPath(root)))
        {
            error = $"The path '{path}' is outside the working directory {root}. The file editor only reads and writes inside it.";
            return null;
        }

        return full;
    }

    private static bool IsInside(string full, string root)
    {
        if (Path.TrimEndingDirectorySeparator(full).Equals(Path.TrimEndingDirectorySeparator(root), PathComparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, PathComparison);
    }

    /// <summary>Follows symbolic links in every existing component of <paramref name="full"/>.</summary>
    private static string RealPath(string full)
    {
        var rootPart = Path.GetPathRoot(full) ?? string.Empty;
        var current = rootPart;
        var parts = full[rootPart.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            var info = new FileInfo(current);
            string? linkTarget;
            try
            {
                linkTarget = info.LinkTarget;
            }
            catch (IOException)
            {
                linkTarget = null;
            }

            if (linkTarget is null)
            {
                if (!info.Exists && !Directory.Exists(current))
                {
                    // Nothing below a missing component can be a link: the rest is kept as written.
                    return Path.Combine([current, .. parts[(i + 1)..]]);
                }

                continue;
            }

            try
            {
                // A dangling link still resolves to where it points, so it cannot be used to create a file outside.
                current = info.ResolveLinkTarget(returnFinalTarget: true) is { } target ? Path.GetFullPath(target.FullName) : current;
            }
            catch (IOException)
            {
                // A link loop: keep the link's own location; the lexical check still applies.
            }
        }

        return current;
    }
}
