using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// The factory's rules: a persisted conversation needs the application's store; a start from a profile reads it once,
/// keeps that reference and writes no profile; a raw LLM is materialized once; switch and restore write nothing.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationFactoryTests
{
    [Test]
    public void Ctor_PersistenceFolderWithoutStore_ThrowsNamingTheFix()
    {
        using var dir = TempDirectory.Create();

        var act = () => new ConversationFactory(new ConversationFactoryOptions { PersistenceDirectory = dir.Path });

        act.Should().Throw<ArgumentException>().WithMessage("*PersistenceDirectory*ProfileStore*Fix*AddOpenHands*");
        Directory.EnumerateFileSystemEntries(dir.Path).Should().BeEmpty("nothing is opened on a default folder");
    }

    [Test]
    public void Ctor_ResolverOverAnotherStore_Throws()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = dir.Combine("a") });
        var other = new LlmProfileStore(new LlmProfileStoreOptions { Directory = dir.Combine("b") });

        var act = () => new ConversationFactory(new ConversationFactoryOptions { ProfileStore = store, Resolver = new ProfileResolver(other) });

        act.Should().Throw<ArgumentException>().WithMessage("*different profile store*");
    }

    [Test]
    public async Task RestoreAsync_InMemoryFactory_ThrowsNamingTheFix()
    {
        await using var kit = await ConversationTestKit.StartAsync();

        var act = () => kit.Factory(persisted: false).RestoreAsync(Guid.NewGuid());

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no persistence folder*PersistenceDirectory*");
    }

    [Test]
    public async Task StartWithProfileAsync_NamedProfile_KeepsTheReferenceAndWritesNoProfile()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync("work", kit.Llm("openai/gpt-work", "sk-test-by-name-one"));
        var profiles = FolderSnapshot.Take(kit.Store.Directory);
        kit.Server.Enqueue(FakeReply.Text("done"));

        await using var conversation = await kit.Factory().StartWithProfileAsync(ProfileReference.Create("work"), ConversationTestKit.Agent, kit.Options());
        await conversation.SendMessageAsync("Go.");
        await conversation.RunAsync();
        await conversation.SwitchProfileAsync("work");

        profiles.ShouldBeUnchanged("after a start, a run and a switch by reference");
        conversation.State.LlmProfile.Should().Be(ProfileReference.Create("work"));
        conversation.State.Tools.Select(t => t.Name).Should().Equal("terminal", "file_editor");
        kit.Server.Requests.Single().Model.Should().Be("gpt-work");
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(conversation.Directory!, "base_state.json"))).RootElement;
        state.GetProperty("agent_state").GetProperty("llm_profile").GetString().Should().Be("work");
    }

    [Test]
    public async Task StartWithProfileAsync_ActiveProfile_KeepsTheActiveNameExplicitly()
    {
        using var dir = TempDirectory.Create();
        await using var services = new ServiceCollection()
            .AddOpenHands(o => { o.PersistenceDirectory = dir.Path; o.ConversationsDirectory = dir.Combine("conversations"); })
            .Services.BuildServiceProvider();
        var store = services.GetRequiredService<ILlmProfileStore>();
        await store.SaveAsync(ProfileName.Create("one"), new Llm("openai/gpt-one"));
        await store.SaveAsync(ProfileName.Create("two"), new Llm("openai/gpt-two"));
        var settings = services.GetRequiredService<ISettingsStore>();
        await settings.ActivateProfileAsync(ProfileName.Create("two"));
        var profiles = FolderSnapshot.Take(Path.Combine(dir.Path, "profiles"));
        var factory = services.GetRequiredService<ConversationFactory>();

        await using var conversation = await factory.StartWithProfileAsync();
        await settings.ActivateProfileAsync(ProfileName.Create("one"));
        await using var restored = await factory.RestoreAsync(conversation.Id);

        factory.PersistenceDirectory.Should().Be(dir.Combine("conversations"));
        factory.ProfileStore.Should().BeSameAs(store, "the factory shares the application's one store");
        factory.Resolver.Should().BeSameAs(services.GetRequiredService<ProfileResolver>());
        conversation.State.LlmProfile.Should().Be(ProfileReference.Create("two"));
        restored.State.LlmProfile.Should().Be(ProfileReference.Create("two"), "the reference is kept, not the pointer to the active profile");
        restored.Agent.Llm.Model.Should().Be("openai/gpt-two");
        profiles.ShouldBeUnchanged("after a start and a restore");
    }

    [Test]
    public async Task StartWithProfileAsync_UnknownProfile_ThrowsAndPersistsNothing()
    {
        await using var kit = await ConversationTestKit.StartAsync();

        var act = () => kit.Factory().StartWithProfileAsync(ProfileReference.Create("ghost"));

        await act.Should().ThrowAsync<ProfileNotFoundException>().WithMessage("*'ghost'*");
        Directory.Exists(kit.Conversations).Should().BeFalse();
        (await kit.Store.ListAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task StartWithProfileAsync_AgentWithAnotherLlm_ThrowsInvalidOperation()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync("work", kit.Llm());

        var act = () => kit.Factory().StartWithProfileAsync(ProfileReference.Create("work"), llm => new Agent(llm with { Temperature = 1 }));

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*around the LLM it is given*");
        Directory.Exists(kit.Conversations).Should().BeFalse();
    }

    [Test]
    public async Task StartAsync_RawLlmPersisted_MaterializesOnceAndRestoreWritesNothing()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        Guid id;
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            id = conversation.Id;
            conversation.State.LlmProfile.Should().NotBeNull();
        }

        (await kit.Store.ListAsync()).Should().ContainSingle();
        var profiles = FolderSnapshot.Take(kit.Store.Directory);
        await using var restored = await kit.Factory().RestoreAsync(id);

        restored.Agent.Llm.ApiKey!.Reveal().Should().Be("sk-test-conversation-one");
        profiles.ShouldBeUnchanged("after a restore");
    }

    [Test]
    public async Task StartAsync_ExistingId_ThrowsBeforeMaterializing()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync("work", kit.Llm());
        var options = kit.Options();
        options.ConversationId = Guid.NewGuid();
        await using var first = await kit.Factory().StartWithProfileAsync(ProfileReference.Create("work"), options: options);

        var act = () => kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm("openai/gpt-other")), options);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already exists*");
        (await kit.Store.ListAsync()).Select(n => n.Value).Should().Equal("work");
    }

    [Test]
    public async Task CreateAsync_Static_RunsInMemoryWithoutAStore()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("In memory."));

        await using var conversation = await Conversation.CreateAsync(new Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Hi.");
        var result = await conversation.RunAsync();

        result.FinalAnswer.Should().Be("In memory.");
        conversation.Directory.Should().BeNull();
        conversation.State.LlmProfile.Should().BeNull();
        Directory.Exists(kit.Conversations).Should().BeFalse();
    }
}
