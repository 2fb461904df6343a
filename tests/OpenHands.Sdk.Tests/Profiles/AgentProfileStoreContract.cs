using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// What every <see cref="IAgentProfileStore"/> must do, run against each implementation (the file store, PostgreSQL):
/// ids and revisions, the stored document, limits, renames, deletes, damaged records, the write lock, the LLM-profile
/// reference guard and concurrent writers. <see cref="CreateStoreAsync"/> called twice gives two instances over the same
/// storage.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class AgentProfileStoreContract
{
    /// <summary>A new store instance over this test's storage (created empty on the first call).</summary>
    protected abstract Task<IAgentProfileStore> CreateStoreAsync();

    /// <summary>A new LLM profile store instance over this test's storage.</summary>
    protected abstract Task<ILlmProfileStore> CreateLlmStoreAsync();

    /// <summary>The stored document of a profile as text, or <see langword="null"/> when there is none.</summary>
    protected abstract Task<string?> ReadDocumentAsync(string name);

    /// <summary>Stores a raw document under a name, bypassing the store (a damaged or foreign record).</summary>
    protected abstract Task WriteDocumentAsync(string name, string text);

    [Test]
    public async Task EmptyStore_ListsNothing_AndLoadSaysNotFound()
    {
        var store = await CreateStoreAsync();

        (await store.ListAsync()).Should().BeEmpty();
        (await store.HasAnyAsync()).Should().BeFalse();
        (await store.TryLoadAsync(ProfileName.Create("x"))).Should().BeNull();
        var act = () => store.LoadAsync(ProfileName.Create("x"));
        (await act.Should().ThrowAsync<AgentProfileNotFoundException>()).Which.Message.Should().Contain("'x'");
        (await store.DeleteAsync(ProfileName.Create("x"))).Should().BeNull();
    }

    [Test]
    public async Task Save_NewGetsAFreshIdAndRevisionZero_OverwriteKeepsTheIdAndRaisesTheRevision()
    {
        var store = await CreateStoreAsync();
        var draft = AgentProfile.Create(ProfileName.Create("coder"), ProfileName.Create("fast"));

        var first = await store.SaveAsync(draft);
        var second = await (await CreateStoreAsync()).SaveAsync(AgentProfile.Create(ProfileName.Create("coder"), ProfileName.Create("slow")));

        first.Id.Should().NotBe(draft.Id);
        first.Revision.Should().Be(0);
        second.Id.Should().Be(first.Id);
        second.Revision.Should().Be(1);
        var loaded = await (await CreateStoreAsync()).LoadAsync(ProfileName.Create("coder"));
        loaded.LlmProfileRef.Should().Be("slow");
        loaded.Revision.Should().Be(1);
        (await store.FindAsync(first.Id))!.Name.Value.Should().Be("coder");
        (await ReadDocumentAsync("coder")).Should().Be(loaded.ToJson());
    }

    [Test]
    public async Task Load_ADocumentWrittenElsewhere_KeepsItsIdAndRevision_AndExtraFieldsAreRefusedAsInPython()
    {
        var store = await CreateStoreAsync();
        var written = AgentProfile.Create(ProfileName.Create("keep"), ProfileName.Create("fast")).WithIdentity(ProfileName.Create("keep"), Guid.NewGuid(), 7);
        await WriteDocumentAsync("keep", written.ToJson());
        var document = JsonNode.Parse(written.ToJson())!.AsObject();
        document["future_field"] = 1;
        await WriteDocumentAsync("extra", document.ToJsonString());

        var loaded = await store.LoadAsync(ProfileName.Create("keep"));

        loaded.Id.Should().Be(written.Id);
        loaded.Revision.Should().Be(7);
        loaded.ToJson().Should().Be(written.ToJson());
        var extra = () => store.LoadAsync(ProfileName.Create("extra"));
        (await extra.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("future_field");
    }

    [Test]
    public async Task Save_NewProfileBeyondTheLimit_Throws_AnOverwriteIsAllowed()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync(AgentProfile.Create(ProfileName.Create("one"), ProfileName.Create("fast")), maxProfiles: 1);

        var act = () => store.SaveAsync(AgentProfile.Create(ProfileName.Create("two"), ProfileName.Create("fast")), maxProfiles: 1);

        (await act.Should().ThrowAsync<ProfileLimitExceededException>()).Which.Limit.Should().Be(1);
        (await store.SaveAsync(AgentProfile.Create(ProfileName.Create("one"), ProfileName.Create("slow")), maxProfiles: 1)).Revision.Should().Be(1);
        (await store.ListAsync()).Select(p => p.Name.Value).Should().Equal("one");
    }

    [Test]
    public async Task Rename_KeepsIdAndRevision_ATakenNameOrAMissingProfileChangesNothing()
    {
        var store = await CreateStoreAsync();
        var a = await store.SaveAsync(AgentProfile.Create(ProfileName.Create("a"), ProfileName.Create("fast")));
        await store.SaveAsync(AgentProfile.Create(ProfileName.Create("b"), ProfileName.Create("fast")));

        var taken = () => store.RenameAsync(ProfileName.Create("a"), ProfileName.Create("b"));
        await taken.Should().ThrowAsync<AgentProfileAlreadyExistsException>();
        var missing = () => store.RenameAsync(ProfileName.Create("nope"), ProfileName.Create("c"));
        await missing.Should().ThrowAsync<AgentProfileNotFoundException>();

        var renamed = await store.RenameAsync(ProfileName.Create("a"), ProfileName.Create("c"));

        renamed.Id.Should().Be(a.Id);
        renamed.Revision.Should().Be(a.Revision);
        (await store.ListAsync()).Select(p => p.Name.Value).Should().Equal("b", "c");
        (await ReadDocumentAsync("a")).Should().BeNull();
    }

    [Test]
    public async Task Delete_ReturnsTheId()
    {
        var store = await CreateStoreAsync();
        var saved = await store.SaveAsync(AgentProfile.Create(ProfileName.Create("gone"), ProfileName.Create("fast")));

        (await store.DeleteAsync(ProfileName.Create("gone"))).Should().Be(saved.Id);

        (await (await CreateStoreAsync()).TryLoadAsync(ProfileName.Create("gone"))).Should().BeNull();
    }

    [Test]
    public async Task DamagedRecord_IsSkippedByList_CountsAsStored_AndLoadSaysWhy()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync(AgentProfile.Create(ProfileName.Create("good"), ProfileName.Create("fast")));
        await WriteDocumentAsync("bad", "{not json");

        (await store.ListAsync()).Select(p => p.Name.Value).Should().Equal("good");
        (await store.HasAnyAsync()).Should().BeTrue();
        var act = () => store.TryLoadAsync(ProfileName.Create("bad"));
        await act.Should().ThrowAsync<InvalidProfileException>();
    }

    [Test]
    public async Task WithLock_AnotherInstancesSaveWaitsForIt_AndWriteLockedKeepsIdAndRevision()
    {
        var store = await CreateStoreAsync();
        var other = await CreateStoreAsync();
        var seed = AgentProfile.Create(ProfileName.Create("seed"), ProfileName.Create("fast")).WithIdentity(ProfileName.Create("seed"), Guid.NewGuid(), 3);
        Task<AgentProfile>? racing = null;

        await store.WithLockAsync(async () =>
        {
            racing = Task.Run(() => other.SaveAsync(AgentProfile.Create(ProfileName.Create("seed"), ProfileName.Create("slow"))));
            await Task.Delay(300);
            racing.IsCompleted.Should().BeFalse("a save of another instance waits for the lock");
            (await store.HasAnyAsync()).Should().BeFalse();
            await store.WriteLockedAsync(seed);
            return 0;
        });

        var after = await racing!;
        after.Id.Should().Be(seed.Id, "the save came after the locked write and found it");
        after.Revision.Should().Be(4);
    }

    [Test]
    public async Task LlmProfileReferences_AReferencedProfileIsNotDeleted_AndARenameRewritesTheReferences()
    {
        var store = await CreateStoreAsync();
        var llms = await CreateLlmStoreAsync();
        await llms.SaveAsync("fast", new Llm("openai/gpt-4o-mini"));
        var saved = await store.SaveAsync(AgentProfile.Create(ProfileName.Create("coder"), ProfileName.Create("fast")));

        var delete = () => LlmProfileReferences.DeleteAsync(store, llms, ProfileName.Create("fast"), CancellationToken.None);
        (await delete.Should().ThrowAsync<LlmProfileInUseException>()).Which.Message.Should().Contain("coder");

        (await LlmProfileReferences.RenameAsync(store, llms, ProfileName.Create("fast"), ProfileName.Create("quick"), CancellationToken.None)).Should().Be(1);

        var coder = await (await CreateStoreAsync()).LoadAsync(ProfileName.Create("coder"));
        coder.LlmProfileRef.Should().Be("quick");
        coder.Id.Should().Be(saved.Id);
        coder.Revision.Should().Be(saved.Revision);
        (await llms.ExistsAsync(ProfileName.Create("quick"))).Should().BeTrue();
    }

    [Test]
    public async Task ConcurrentSavesOfOneNameFromTwoInstances_KeepOneIdAndCountEveryWrite()
    {
        var stores = new[] { await CreateStoreAsync(), await CreateStoreAsync() };

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            stores[i % 2].SaveAsync(AgentProfile.Create(ProfileName.Create("shared"), ProfileName.Create("fast"))))));

        results.Select(r => r.Id).Distinct().Should().ContainSingle();
        results.Select(r => r.Revision).Should().BeEquivalentTo(Enumerable.Range(0, 30));
        (await stores[0].LoadAsync(ProfileName.Create("shared"))).Revision.Should().Be(29);
    }
}
