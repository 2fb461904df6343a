namespace OpenHands.Sdk.Tests.Support;

/// <summary>Locates committed fixtures and the shared Python SDK fixtures.</summary>
public static class Fixtures
{
    /// <summary>The repository root (the folder with OpenHands.Sdk.sln).</summary>
    public static string RepoRoot => RepositoryFiles.RepoRoot;

    /// <summary>Fixtures committed with the tests, made by Fixtures/Python/generate_fixtures.py.</summary>
    public static string Python => Path.Combine(RepoRoot, "tests", "OpenHands.Sdk.Tests", "Fixtures", "Python");

    /// <summary>Files written by the Python SDK, shared beside the repository.</summary>
    public static string SharedPythonSdk => RepositoryFiles.SharedPythonSdk;

    /// <summary>The path of a shared fixture; the test is ignored with the reason where it is absent.</summary>
    public static string RequireShared(params string[] parts) => RepositoryFiles.RequireShared(parts);
}
