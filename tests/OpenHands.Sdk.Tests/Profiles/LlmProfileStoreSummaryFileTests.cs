using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// The listing's summary cache on disk (<see cref="SummaryCacheFile"/>): a new store on an unchanged folder (a restart)
/// lists from it without reading the profile files, and anything that could make it wrong makes it unused instead. A
/// new store instance stands for a new process. "Settle" sets the files' and the folder's last write time far back.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class LlmProfileStoreSummaryFileTests
{
    private static readonly DateTime LongAgo = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Test]
    public async Task ListSummariesAsync_NewStoreOnAnUnchangedFolder_ListsFromTheCacheFileWithoutReadingProfiles()
    {
        using var dir = TempDirectory.Create();
        var path = await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-summary-file") });
        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");

        // Same size, same times: only a listing that did not read the file still shows the old model.
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        (await NewStore(dir).ListSummariesAsync()).Should().Equal(
            new LlmProfileSummary(ProfileName.Create("p"), "openai/gpt-4o", null, null, ApiKeySet: true));
    }

    [Test]
    public async Task ListSummariesAsync_CacheFile_HoldsNoKeyAndIsPrivate()
    {
        using var dir = TempDirectory.Create();
        await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-summary-secret") });

        _ = await NewStore(dir).ListSummariesAsync();

        var file = SummaryCacheFile.PathIn(dir.Path);
        var text = File.ReadAllText(file);
        text.Should().Contain("\"api_key_set\":true").And.Contain("openai/gpt-4o").And.NotContain("sk-test-summary-secret");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Test]
    public async Task ListSummariesAsync_FolderChangedSinceTheCacheFile_ReadsEveryProfileAgain()
    {
        using var dir = TempDirectory.Create();
        var path = await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o"));
        _ = await NewStore(dir).ListSummariesAsync();
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        // An entry added to the folder (settled at another time): the folder's stamp differs from the file's.
        File.WriteAllText(dir.Combine("unrelated.txt"), "x");
        Directory.SetLastWriteTimeUtc(dir.Path, LongAgo + TimeSpan.FromHours(1));

        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4x");
    }

    [Test]
    public async Task ListSummariesAsync_ProfileEditedInPlace_IsReadAgainAndTheCacheFileUpdated()
    {
        using var dir = TempDirectory.Create();
        var path = await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o"));
        _ = await NewStore(dir).ListSummariesAsync();
        File.WriteAllText(path, """{"model": "openai/gpt-4o-mini"}""");
        File.SetLastWriteTimeUtc(path, LongAgo + TimeSpan.FromHours(1));

        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o-mini");

        // The next new store lists it from the updated cache file: an equal-size edit with times kept stays unseen.
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("gpt-4o-mini", "gpt-4x-mini", StringComparison.Ordinal));
        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o-mini");
    }

    [Test]
    public async Task ListSummariesAsync_OnlyARecentlyWrittenFileRead_WritesNoCacheFile()
    {
        using var dir = TempDirectory.Create();
        var path = await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o"));
        var store = NewStore(dir);
        _ = await store.ListSummariesAsync();
        File.Delete(SummaryCacheFile.PathIn(dir.Path));

        // Edited in place just now: read by every listing until its stamp settles, and nothing new to keep meanwhile.
        File.WriteAllText(path, """{"model": "openai/gpt-4o-mini"}""");
        await Task.Delay(SummaryCache.FileRecheckInterval + TimeSpan.FromMilliseconds(200));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o-mini");
        File.Exists(SummaryCacheFile.PathIn(dir.Path)).Should().BeFalse();
    }

    [TestCase("{ damaged")]
    [TestCase("""{"version": 2, "profiles": []}""")]
    [TestCase("""{"version": 1, "folder": {"length": 0, "last_write_ticks": -5, "creation_ticks": 0}, "profiles": []}""")]
    public async Task ListSummariesAsync_CacheFileDamagedOrForeign_IsIgnoredAndReplaced(string content)
    {
        using var dir = TempDirectory.Create();
        var path = await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o"));
        _ = await NewStore(dir).ListSummariesAsync();
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));
        File.WriteAllText(SummaryCacheFile.PathIn(dir.Path), content);

        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4x");

        File.ReadAllText(SummaryCacheFile.PathIn(dir.Path)).Should().Contain("openai/gpt-4x");
    }

    [Test]
    public async Task ListSummariesAsync_CacheFileNamesAProfileWithAnInvalidName_IsIgnored()
    {
        using var dir = TempDirectory.Create();
        var path = await SaveSettledAsync(dir, "p", new Llm("openai/gpt-4o"));
        _ = await NewStore(dir).ListSummariesAsync();
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));
        var cache = SummaryCacheFile.PathIn(dir.Path);
        File.WriteAllText(cache, File.ReadAllText(cache).Replace("\"name\":\"p\"", "\"name\":\"../p\"", StringComparison.Ordinal));

        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4x");
    }

    [Test]
    public async Task ListSummariesAsync_CacheSubfolderCannotBeMade_ListsByReadingTheProfiles()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine(SummaryCacheFile.FolderName), "a file in the way");
        var store = NewStore(dir);
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        Settle(dir, store.GetPath(ProfileName.Create("p")));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");
        (await NewStore(dir).ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");
        (await store.ListAsync()).Should().Equal(ProfileName.Create("p"));
    }

    private static LlmProfileStore NewStore(TempDirectory dir) => new(new() { Directory = dir.Path });

    /// <summary>Saves <paramref name="llm"/> as <paramref name="name"/> and settles the file and the folder.</summary>
    private static async Task<string> SaveSettledAsync(TempDirectory dir, string name, Llm llm)
    {
        var store = NewStore(dir);
        await store.SaveAsync(name, llm);
        var path = store.GetPath(ProfileName.Create(name));
        Settle(dir, path);
        return path;
    }

    private static void Settle(TempDirectory dir, string file)
    {
        File.SetLastWriteTimeUtc(file, LongAgo);
        Directory.SetLastWriteTimeUtc(dir.Path, LongAgo);
    }
}
