using NUnit.Framework;

namespace OpenHands.Testing;

/// <summary>Locates the repository and the shared Python SDK fixtures beside it; tests skip where those are absent.</summary>
public static class RepositoryFiles
{
    /// <summary>Gets the repository root (the folder with OpenHands.Sdk.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Gets the folder of files written by the Python SDK, shared beside the repository.</summary>
    public static string SharedPythonSdk => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "python-sdk"));

    /// <summary>Returns the path of a shared fixture, or marks the test ignored (with the reason) when it is absent.</summary>
    /// <param name="parts">The path below <see cref="SharedPythonSdk"/>.</param>
    /// <returns>The full path.</returns>
    public static string RequireShared(params string[] parts)
    {
        var path = Path.Combine([SharedPythonSdk, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Ignore($"Shared Python SDK fixture '{path}' is absent (../shared/fixtures is not checked out beside the repository).");
        }

        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenHands.Sdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("OpenHands.Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
