namespace OpenHands.Cli.Tests.Support;

/// <summary>Locates the shared Python SDK fixtures beside the repository; tests skip where they are absent.</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedPythonSdk => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "python-sdk"));

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
