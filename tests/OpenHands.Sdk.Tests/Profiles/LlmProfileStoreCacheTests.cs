using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// <see cref="LlmProfileStore.ListSummariesAsync"/> reuses the summary, and <see cref="LlmProfileStore.TryLoadAsync"/>
/// the decoded profile, of a file whose size and times have not changed since they were already a few seconds old,
/// while the folder's entries have not changed either. These tests pin that
/// a change made by anyone else (another store instance stands for another process) always shows, and that only a
/// settled, unchanged stamp is trusted. "Settle" sets a file's and the folder's last write time far back, as if they
/// had been written long before.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class LlmProfileStoreCacheTests
{
    private static readonly DateTime LongAgo = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Test]
    public async Task ListSummariesAsync_SettledStampUnchanged_ReusesTheSummaryWithoutReadingTheFile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        Settle(dir, path);
        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");

        // Same size, same times: the stamp cannot tell, so the cached summary stands (the documented limit).
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public async Task ListSummariesAsync_SettledFileReplacedByAnotherStore_ListsTheNewContent()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var other = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        Settle(dir, store.GetPath(ProfileName.Create("p")));
        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");

        await other.SaveAsync("p", new Llm("openai/gpt-4x") { ApiKey = new SecretString("sk-test-cache") });

        (await store.ListSummariesAsync()).Single().Should().Be(
            new LlmProfileSummary(ProfileName.Create("p"), "openai/gpt-4x", null, null, ApiKeySet: true));
    }

    [Test]
    public async Task ListSummariesAsync_SettledFileEditedInPlaceWithTimesKept_IsReadAgainWhenTheSizeChanges()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        Settle(dir, path);
        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");

        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4o-mini", StringComparison.Ordinal));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o-mini");
    }

    [Test]
    public async Task ListSummariesAsync_RecentlyWrittenFile_IsNotTrustedEvenWithAnEqualStamp()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");

        // A second write within the file system's time granularity can leave the stamp equal: it must still show.
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4x");
    }

    [Test]
    public async Task ListSummariesAsync_SettledFilesDeletedAndAdded_ListsTheFolderAsItIsNow()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var other = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", new Llm("m-a"));
        await store.SaveAsync("b", new Llm("m-b"));
        Settle(dir, store.GetPath(ProfileName.Create("a")), store.GetPath(ProfileName.Create("b")));
        (await store.ListSummariesAsync()).Select(s => s.Name.Value).Should().Equal("a", "b");

        await other.DeleteAsync("a");
        await other.SaveAsync("c", new Llm("m-c"));

        (await store.ListSummariesAsync()).Select(s => s.Model).Should().Equal("m-b", "m-c");
    }

    [Test]
    public async Task ListSummariesAsync_SettledCorruptFileRepaired_IsListed()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var path = dir.Combine("p.json");
        File.WriteAllText(path, "{ not json");
        Settle(dir, path);
        (await store.ListSummariesAsync()).Should().BeEmpty();

        File.WriteAllText(path, """{"model": "openai/gpt-4o"}""");

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public async Task ListSummariesAsync_FolderEntriesChanged_ReadsEveryFileAgain()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        Settle(dir, path);
        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        // Any entry added, removed or renamed in the folder invalidates every cached summary.
        File.WriteAllText(dir.Combine("unrelated.txt"), "x");

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4x");
    }

    [Test]
    public async Task ListSummariesAsync_SettledProfileDeletedAndAnotherRenamedOntoItsName_ListsTheRenamedContent()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var other = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", new Llm("openai/gpt-4a"));
        await store.SaveAsync("b", new Llm("openai/gpt-4b"));
        Settle(dir, store.GetPath(ProfileName.Create("a")), store.GetPath(ProfileName.Create("b")));
        (await store.ListSummariesAsync()).Select(s => s.Model).Should().Equal("openai/gpt-4a", "openai/gpt-4b");

        // Same size and last write time: only the folder's change tells the files apart where creation times are equal.
        await other.DeleteAsync("b");
        await other.RenameAsync("a", "b");

        (await store.ListSummariesAsync()).Should().Equal(new LlmProfileSummary(ProfileName.Create("b"), "openai/gpt-4a", null, null, false));
    }

    [Test]
    public async Task ListSummariesAsync_FolderChangedRecently_DoesNotTrustAnyStamp()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        File.SetLastWriteTimeUtc(path, LongAgo); // the file is old, the folder was just written
        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o");

        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4x");
    }

    [Test]
    public void FileStamp_IsSettled_OnlyWhenOlderThanTheRacyWindow()
    {
        var takenAt = new DateTime(2026, 1, 1, 0, 0, 10, DateTimeKind.Utc);
        Stamp(takenAt - FileStamp.RacyWindow - TimeSpan.FromTicks(1)).IsSettled(takenAt).Should().BeTrue();
        Stamp(takenAt - FileStamp.RacyWindow).IsSettled(takenAt).Should().BeFalse();
        Stamp(takenAt).IsSettled(takenAt).Should().BeFalse();
        Stamp(takenAt + TimeSpan.FromMinutes(5)).IsSettled(takenAt).Should().BeFalse("a time in the future is never trusted");

        static FileStamp Stamp(DateTime lastWrite) => new(100, lastWrite, lastWrite);
    }

    [Test]
    public async Task LoadAsync_SettledStampUnchanged_ReturnsTheDecodedProfileWithoutReadingTheFile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher("test-passphrase-load"));
        await store.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-load") });
        var path = store.GetPath(ProfileName.Create("p"));
        Settle(dir, path);
        var first = await store.LoadAsync(ProfileName.Create("p"));

        // Same size, same times: the stamp cannot tell, so the decoded profile stands (the documented limit).
        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        var second = await store.LoadAsync(ProfileName.Create("p"));
        second.Should().BeSameAs(first);
        second.ApiKey!.Reveal().Should().Be("sk-test-load");
    }

    [Test]
    public async Task LoadAsync_SettledFileReplacedByAnotherStore_LoadsTheNewContent()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var other = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-old") });
        Settle(dir, store.GetPath(ProfileName.Create("p")));
        await store.LoadAsync(ProfileName.Create("p"));

        await other.SaveAsync("p", new Llm("openai/gpt-4x") { ApiKey = new SecretString("sk-test-new") });

        var loaded = await store.LoadAsync(ProfileName.Create("p"));
        loaded.Model.Should().Be("openai/gpt-4x");
        loaded.ApiKey!.Reveal().Should().Be("sk-test-new");
    }

    [Test]
    public async Task LoadAsync_SettledFileEditedInPlaceWithTimesKept_IsReadAgainWhenTheSizeChanges()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        Settle(dir, path);
        await store.LoadAsync(ProfileName.Create("p"));

        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4o-mini", StringComparison.Ordinal));

        (await store.LoadAsync(ProfileName.Create("p"))).Model.Should().Be("openai/gpt-4o-mini");
    }

    [Test]
    public async Task LoadAsync_RecentlyWrittenFile_IsReadAgainEvenWithAnEqualStamp()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        await store.LoadAsync(ProfileName.Create("p"));

        FileTimes.RewriteInPlaceKeepingTimes(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4x", StringComparison.Ordinal));

        (await store.LoadAsync(ProfileName.Create("p"))).Model.Should().Be("openai/gpt-4x");
    }

    [Test]
    public async Task LoadAsync_SettledProfileDeletedAndAnotherRenamedOntoItsName_LoadsTheRenamedContent()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var other = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        await store.SaveAsync("q", new Llm("openai/gpt-4x"));
        Settle(dir, store.GetPath(ProfileName.Create("p")), store.GetPath(ProfileName.Create("q")));
        await store.LoadAsync(ProfileName.Create("p"));
        await store.LoadAsync(ProfileName.Create("q"));

        await other.DeleteAsync("p");
        (await store.TryLoadAsync(ProfileName.Create("p"))).Should().BeNull();
        await other.RenameAsync(ProfileName.Create("q"), ProfileName.Create("p"));

        (await store.LoadAsync(ProfileName.Create("p"))).Model.Should().Be("openai/gpt-4x");
        (await store.TryLoadAsync(ProfileName.Create("q"))).Should().BeNull();
    }

    /// <summary>Sets the files' and the folder's last write time far back, as if all were written long ago.</summary>
    [Test]
    public async Task ListSummariesAsync_WholeListingCached_ShowsASaveByAnotherStoreAtOnce()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var other = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        await store.SaveAsync("q", new Llm("openai/gpt-5"));
        Settle(dir, store.GetPath(ProfileName.Create("p")), store.GetPath(ProfileName.Create("q")));
        await store.ListSummariesAsync();
        await store.ListSummariesAsync(); // every stamp matched: the whole listing is now served without a stat per file

        await other.SaveAsync("p", new Llm("openai/gpt-4x"));
        await other.DeleteAsync("q");

        (await store.ListSummariesAsync()).Should().ContainSingle().Which.Model.Should().Be("openai/gpt-4x", "a save replaces the file, which changes the folder");
    }

    [Test]
    public async Task ListSummariesAsync_WholeListingCached_ShowsAnInPlaceEditOnceTheRecheckIntervalHasPassed()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        var path = store.GetPath(ProfileName.Create("p"));
        Settle(dir, path);
        await store.ListSummariesAsync();
        await store.ListSummariesAsync();

        File.WriteAllText(path, File.ReadAllText(path).Replace("openai/gpt-4o", "openai/gpt-4o-mini", StringComparison.Ordinal));
        Directory.SetLastWriteTimeUtc(dir.Path, LongAgo);
        await Task.Delay(SummaryCache.FileRecheckInterval + TimeSpan.FromMilliseconds(200));

        (await store.ListSummariesAsync()).Single().Model.Should().Be("openai/gpt-4o-mini");
    }

    private static void Settle(TempDirectory dir, params string[] files)
    {
        foreach (var file in files)
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
        }

        Directory.SetLastWriteTimeUtc(dir.Path, LongAgo);
    }
}
