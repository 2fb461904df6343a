using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Conversations;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// The materialization policy on the SDK's conversation paths: a persisted conversation created with a raw LLM, and the
/// obsolete raw switch. For each: a different Default and a user's own profile stay byte-identical, two different LLMs
/// get two profiles, the same LLM twice gets one profile and no second write.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class MaterializationPathTests
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    private static readonly string[] Paths = ["Conversation.CreateAsync", "Conversation.SwitchLlmAsync"];

    [TestCaseSource(nameof(Paths))]
    public async Task Path_DifferentDefaultAndUsersOwnProfile_StayByteIdentical(string path)
    {
        await using var kit = await ConversationTestKit.StartAsync(new Cipher("sk-test-paths-cipher"));
        await kit.Store.SaveAsync(ProfileName.Default, kit.Llm("openai/gpt-default", "sk-test-default-key"));
        await kit.Store.SaveAsync("mine", kit.Llm("openai/gpt-mine", "sk-test-my-key"));
        Age(kit.Store);
        var before = FolderSnapshot.Take(kit.Store.Directory);

        // Derived from the user's profile (so it carries it as provenance) but edited: a different LLM.
        var edited = (await kit.Store.LoadAsync("mine")) with { Temperature = 0.9 };
        var name = await RunPathAsync(path, kit, kit.Store, edited);

        name.Should().NotBe(ProfileName.Default).And.NotBe(ProfileName.Create("mine"));
        foreach (var (file, (bytes, written)) in before.Files)
        {
            File.ReadAllBytes(Path.Combine(kit.Store.Directory, file)).Should().Equal(bytes, "{0} must not change", file);
            File.GetLastWriteTimeUtc(Path.Combine(kit.Store.Directory, file)).Should().Be(written);
        }

        (await kit.Store.LoadAsync(name)).Temperature.Should().Be(0.9);
    }

    [TestCaseSource(nameof(Paths))]
    public async Task Path_TwoLlmsDifferingOnlyInKey_GetTwoProfiles(string path)
    {
        await using var kit = await ConversationTestKit.StartAsync();

        var first = await RunPathAsync(path, kit, kit.Store, kit.Llm(key: "sk-test-first-key"));
        var second = await RunPathAsync(path, kit, kit.Store, kit.Llm(key: "sk-test-second-key"));

        second.Should().NotBe(first);
        (await kit.Store.LoadAsync(first)).ApiKey!.Reveal().Should().Be("sk-test-first-key");
        (await kit.Store.LoadAsync(second)).ApiKey!.Reveal().Should().Be("sk-test-second-key");
    }

    [TestCaseSource(nameof(Paths))]
    public async Task Path_SameLlmTwice_OneProfileAndNoSecondWrite(string path)
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var store = new CountingStore(kit.Store);
        var first = await RunPathAsync(path, kit, store, kit.Llm(key: "sk-test-same-key"));
        Age(kit.Store);
        var before = FolderSnapshot.Take(kit.Store.Directory);
        var saves = store.Saves;

        var second = await RunPathAsync(path, kit, store, kit.Llm(key: "sk-test-same-key") with { UsageId = "another-label" });

        second.Should().Be(first);
        store.Saves.Should().Be(saves);
        before.ShouldBeUnchanged("the equal profile is reused");
    }

    private static Task<ProfileName> RunPathAsync(string path, ConversationTestKit kit, ILlmProfileStore store, Llm llm) =>
        path == Paths[0] ? CreateAsync(kit, store, llm) : SwitchLlmAsync(kit, store, llm);

    private static async Task<ProfileName> CreateAsync(ConversationTestKit kit, ILlmProfileStore store, Llm llm)
    {
        await using var conversation = await kit.Factory(store: store).StartAsync(ConversationTestKit.Agent(llm), kit.Options());
        return conversation.State.LlmProfile!.Name;
    }

    private static async Task<ProfileName> SwitchLlmAsync(ConversationTestKit kit, ILlmProfileStore store, Llm llm)
    {
        if (!await kit.Store.ExistsAsync("start"))
        {
            await kit.Store.SaveAsync("start", kit.Llm("openai/gpt-start", "sk-test-start-key"));
        }

        await using var conversation = await kit.Factory(store: store)
            .StartWithProfileAsync(ProfileReference.Create("start"), ConversationTestKit.Agent, kit.Options());
#pragma warning disable CS0618 // the obsolete raw switch is the path under test
        await conversation.SwitchLlmAsync(llm);
#pragma warning restore CS0618
        return conversation.State.LlmProfile!.Name;
    }

    private static void Age(LlmProfileStore store)
    {
        foreach (var file in Directory.GetFiles(store.Directory, "*.json"))
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
        }
    }
}
