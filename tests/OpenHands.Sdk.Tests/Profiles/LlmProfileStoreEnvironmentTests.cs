using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>The store reads the real environment variables when no folder is configured.</summary>
[NonParallelizable]
[Category("Profiles")]
public sealed class LlmProfileStoreEnvironmentTests
{
    private string? _savedProfilesPath;
    private string? _savedPersistenceDir;

    [SetUp]
    public void SaveVariables()
    {
        _savedProfilesPath = Environment.GetEnvironmentVariable(OpenHandsPaths.ProfilesPathVariable);
        _savedPersistenceDir = Environment.GetEnvironmentVariable(OpenHandsPaths.PersistenceDirVariable);
    }

    [TearDown]
    public void RestoreVariables()
    {
        Environment.SetEnvironmentVariable(OpenHandsPaths.ProfilesPathVariable, _savedProfilesPath);
        Environment.SetEnvironmentVariable(OpenHandsPaths.PersistenceDirVariable, _savedPersistenceDir);
    }

    [Test]
    public void Constructor_NoFolderAndProfilesPathVariable_UsesTheVariable()
    {
        using var dir = TempDirectory.Create();
        Environment.SetEnvironmentVariable(OpenHandsPaths.ProfilesPathVariable, dir.Combine("from-env"));
        Environment.SetEnvironmentVariable(OpenHandsPaths.PersistenceDirVariable, dir.Combine("persist"));

        var store = new LlmProfileStore(new());

        store.Directory.Should().Be(dir.Combine("from-env"));
        Directory.Exists(dir.Combine("from-env")).Should().BeTrue();
    }

    [Test]
    public void Constructor_NoFolderAndPersistenceVariable_UsesItsProfilesSubfolder()
    {
        using var dir = TempDirectory.Create();
        Environment.SetEnvironmentVariable(OpenHandsPaths.ProfilesPathVariable, null);
        Environment.SetEnvironmentVariable(OpenHandsPaths.PersistenceDirVariable, dir.Combine("persist"));

        var store = new LlmProfileStore(new());

        store.Directory.Should().Be(dir.Combine("persist", "profiles"));
    }
}
