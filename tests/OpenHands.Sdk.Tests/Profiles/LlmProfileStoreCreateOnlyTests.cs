using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>ProfileSaveOptions.CreateOnly: the atomic create-if-absent save the materializer relies on.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class LlmProfileStoreCreateOnlyTests
{
    [Test]
    public async Task SaveAsync_CreateOnlyAndTheProfileExists_ThrowsProfileAlreadyExistsAndLeavesIt()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("Default", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-first") });
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => store.SaveAsync("Default", new Llm("openai/gpt-4o-mini"), new ProfileSaveOptions { CreateOnly = true });

        (await act.Should().ThrowAsync<ProfileAlreadyExistsException>()).Which.ProfileName.Should().Be(ProfileName.Default);
        before.ShouldBeUnchanged();
    }

    [Test]
    public async Task SaveAsync_CreateOnlyAndTheNameIsFree_CreatesTheProfile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("fresh", new Llm("openai/gpt-4o"), new ProfileSaveOptions { CreateOnly = true });

        (await store.LoadAsync("fresh")).Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public async Task SaveAsync_ManyCreateOnlySavesOfOneNameAtOnce_ExactlyOneSucceeds()
    {
        using var dir = TempDirectory.Create();
        var stores = Enumerable.Range(0, 8).Select(_ => new LlmProfileStore(new() { Directory = dir.Path })).ToArray();
        using var start = new ManualResetEventSlim();
        var tasks = stores.Select((store, i) => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await store.SaveAsync("Default", new Llm("openai/m" + i), new ProfileSaveOptions { CreateOnly = true });
                return i;
            }
            catch (ProfileAlreadyExistsException)
            {
                return -1;
            }
        })).ToArray();
        start.Set();

        var winners = (await Task.WhenAll(tasks)).Where(i => i >= 0).ToList();

        winners.Should().ContainSingle();
        (await stores[0].LoadAsync("Default")).Model.Should().Be("openai/m" + winners[0]);
    }
}
