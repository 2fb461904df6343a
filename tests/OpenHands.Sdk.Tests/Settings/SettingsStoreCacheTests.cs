using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Profiles;

namespace OpenHands.Sdk.Tests.Settings;

/// <summary>
/// <see cref="SettingsStore.LoadAsync"/> reuses what it read from a settings file whose size and times have not changed
/// since they were already a few seconds old. A change made by anyone else (another store instance stands for another
/// process) always shows.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Settings")]
public sealed class SettingsStoreCacheTests
{
    private static readonly DateTime LongAgo = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Test]
    public async Task LoadAsync_SettledFileChangedByAnotherStore_ReturnsTheNewSettings()
    {
        using var dir = TempDirectory.Create();
        var (store, other) = await CreateStoresAsync(dir, "a", "b");
        await store.ActivateProfileAsync(ProfileName.Create("a"));
        File.SetLastWriteTimeUtc(store.FilePath, LongAgo);
        (await store.LoadAsync()).ActiveProfile.Should().Be(ProfileName.Create("a"));

        await other.ActivateProfileAsync(ProfileName.Create("b"));

        (await store.LoadAsync()).ActiveProfile.Should().Be(ProfileName.Create("b"));
    }

    [Test]
    public async Task LoadAsync_SettledStampUnchanged_ReusesTheSettingsWithoutReadingTheFile()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = await CreateStoresAsync(dir, "a", "b");
        await store.ActivateProfileAsync(ProfileName.Create("a"));
        File.SetLastWriteTimeUtc(store.FilePath, LongAgo);
        var first = await store.LoadAsync();

        // Same size, same times: the stamp cannot tell, so the cached settings stand (the documented limit).
        FileTimes.RewriteInPlaceKeepingTimes(store.FilePath, File.ReadAllText(store.FilePath).Replace("\"a\"", "\"b\"", StringComparison.Ordinal));

        (await store.LoadAsync()).Should().BeSameAs(first);
    }

    [Test]
    public async Task LoadAsync_RecentlyWrittenFile_IsNotTrustedEvenWithAnEqualStamp()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = await CreateStoresAsync(dir, "a", "b");
        await store.ActivateProfileAsync(ProfileName.Create("a"));
        (await store.LoadAsync()).ActiveProfile.Should().Be(ProfileName.Create("a"));

        // A second write within the file system's time granularity can leave the stamp equal: it must still show.
        FileTimes.RewriteInPlaceKeepingTimes(store.FilePath, File.ReadAllText(store.FilePath).Replace("\"a\"", "\"b\"", StringComparison.Ordinal));

        (await store.LoadAsync()).ActiveProfile.Should().Be(ProfileName.Create("b"));
    }

    [Test]
    public async Task LoadAsync_SettledFileDeleted_ReturnsDefaults()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = await CreateStoresAsync(dir, "a");
        await store.ActivateProfileAsync(ProfileName.Create("a"));
        File.SetLastWriteTimeUtc(store.FilePath, LongAgo);
        (await store.LoadAsync()).ActiveProfile.Should().NotBeNull();

        File.Delete(store.FilePath);

        (await store.LoadAsync()).Should().Be(new PersistedSettings());
    }

    [Test]
    public async Task LoadAsync_SettledFileCorruptedWithNewTimes_Throws()
    {
        using var dir = TempDirectory.Create();
        var (store, _) = await CreateStoresAsync(dir, "a");
        await store.ActivateProfileAsync(ProfileName.Create("a"));
        File.SetLastWriteTimeUtc(store.FilePath, LongAgo);
        await store.LoadAsync();

        File.WriteAllText(store.FilePath, "{ not json");

        await store.Invoking(s => s.LoadAsync()).Should().ThrowAsync<InvalidSettingsException>();
    }

    private static async Task<(SettingsStore Store, SettingsStore Other)> CreateStoresAsync(TempDirectory dir, params string[] profiles)
    {
        var profileStore = new LlmProfileStore(new LlmProfileStoreOptions { Directory = dir.Combine("profiles") });
        foreach (var name in profiles)
        {
            await profileStore.SaveAsync(name, new Llm("openai/gpt-4o"));
        }

        return (new SettingsStore(new SettingsStoreOptions { Directory = dir.Path }, profileStore),
                new SettingsStore(new SettingsStoreOptions { Directory = dir.Path }, profileStore));
    }
}
