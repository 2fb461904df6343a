using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Testing;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// Persistence and restore: the Python layout, profile re-resolution with a secret-free fallback, switching by
/// reference, and the key never reaching a conversation file or event.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationRestoreTests
{
    private const string Key = "sk-test-restore-key-one";

    [Test]
    public async Task CreateAsync_RawLlm_IsMaterializedAndOnlyTheReferenceIsPersisted()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("hi"));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm(key: Key)), kit.Options());
        await conversation.SendMessageAsync("Hello");
        await conversation.RunAsync();

        var folder = Path.Combine(kit.Conversations, conversation.Id.ToString("N"));
        File.Exists(Path.Combine(folder, "base_state.json")).Should().BeTrue();
        Directory.GetFiles(Path.Combine(folder, "events")).Select(Path.GetFileName)
            .Should().HaveCount(conversation.Events.Count).And.OnlyContain(n => n!.StartsWith("event-0000", StringComparison.Ordinal));
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "base_state.json"))).RootElement;
        state.GetProperty("agent_state").GetProperty("llm_profile").GetString().Should().Be("Default");
        state.GetProperty("agent").GetProperty("llm").GetProperty("model").GetString().Should().Be("openai/gpt-test");
        state.GetProperty("agent").GetProperty("llm").TryGetProperty("api_key", out _).Should().BeFalse();
        (await kit.Store.LoadAsync("Default")).ApiKey!.Reveal().Should().Be(Key);
        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains(Key, StringComparison.Ordinal));
    }

    [Test]
    public async Task StartAsync_EventsFolderIsCreatedByTheFirstEvent_AndAConversationWithoutOneRestoresEmpty()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("hi"));
        Guid id;
        string folder;
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm(key: Key)), kit.Options()))
        {
            id = conversation.Id;
            folder = Path.Combine(kit.Conversations, id.ToString("N"));
            File.Exists(Path.Combine(folder, "base_state.json")).Should().BeTrue();
            Directory.Exists(Path.Combine(folder, "events")).Should().BeFalse("a start writes no event, so it creates no events folder (as the Python file store)");
        }

        await using (var restored = await kit.Factory().RestoreAsync(id, kit.Options()))
        {
            restored.Events.Should().BeEmpty();
            Directory.Exists(Path.Combine(folder, "events")).Should().BeFalse("reading a conversation creates nothing");
            await restored.SendMessageAsync("Hello");
            await restored.RunAsync();
            Directory.GetFiles(Path.Combine(folder, "events")).Should().HaveCount(restored.Events.Count).And.NotBeEmpty();
        }

        await using var again = await kit.Factory().RestoreAsync(id, kit.Options());
        again.Events.OfType<MessageEvent>().Should().NotBeEmpty();
    }

    [Test]
    public async Task RestoreAsync_AfterRun_HasTheSameEventsAndContinues()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("think", """{"thought": "x"}"""), FakeReply.Text("first"), FakeReply.Text("second"));
        Guid id;
        IReadOnlyList<string> before;
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm(key: Key)), kit.Options()))
        {
            await conversation.SendMessageAsync("One");
            await conversation.RunAsync();
            id = conversation.Id;
            before = [.. conversation.Events.Select(e => e.Id)];
        }

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());
        restored.GetResult().Should().Be(new ConversationResult(ConversationExecutionStatus.Finished, "first", new ConversationUsage(20, 10, 0, 0, 0, 2)),
            "the result is computed from the persisted state and events");
        restored.Events.Select(e => e.Id).Should().Equal(before);
        restored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
        restored.Agent.Llm.ApiKey!.Reveal().Should().Be(Key, "the key is re-resolved from the profile");
        await restored.SendMessageAsync("Two");
        await restored.RunAsync();
        restored.Events.OfType<SystemPromptEvent>().Should().ContainSingle("the system prompt is not emitted twice");
        kit.Server.Requests[^1].BodyText.Should().Contain("first").And.Contain("One").And.Contain("Two");
    }

    public enum ProfileChange { Unchanged, Edited, KeyRotated, Deleted, Corrupt, WrongCipherKey }

    [TestCase(ProfileChange.Unchanged)]
    [TestCase(ProfileChange.Edited)]
    [TestCase(ProfileChange.KeyRotated)]
    [TestCase(ProfileChange.Deleted)]
    [TestCase(ProfileChange.Corrupt)]
    [TestCase(ProfileChange.WrongCipherKey)]
    public async Task RestoreAsync_ProfileChangedWhileAway_UsesNewestProfileOrSnapshotFallback(ProfileChange change)
    {
        await using var kit = await ConversationTestKit.StartAsync(new Cipher("sk-test-restore-cipher"));
        await kit.Store.SaveAsync("work", kit.Llm("openai/gpt-work", Key));
        await kit.Store.SaveAsync("other", kit.Llm("openai/gpt-other", "sk-test-other-one"));
        Guid id;
        await using (var conversation = await kit.Factory().StartWithProfileAsync(ProfileReference.Create("work"), ConversationTestKit.Agent, kit.Options()))
        {
            id = conversation.Id;
        }

        var store = kit.Store;
        var path = kit.Store.GetPath(ProfileName.Create("work"));
        switch (change)
        {
            case ProfileChange.Edited:
                await kit.Store.SaveAsync("work", kit.Llm("openai/gpt-work-v2", Key));
                break;
            case ProfileChange.KeyRotated:
                await kit.Store.SaveAsync("work", kit.Llm("openai/gpt-work", "sk-test-rotated-two"));
                break;
            case ProfileChange.Deleted:
                await kit.Store.DeleteAsync("work");
                break;
            case ProfileChange.Corrupt:
                await File.WriteAllTextAsync(path, "{ broken");
                break;
            case ProfileChange.WrongCipherKey:
                store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = kit.Store.Directory }, new Cipher("sk-test-some-other-cipher"));
                break;
        }

        await using var restored = await kit.Factory(store: store).RestoreAsync(id, kit.Options());

        var fallbacks = restored.Events.OfType<ConversationStateUpdateEvent>().Where(e => e.Key == "llm_profile").ToList();
        switch (change)
        {
            case ProfileChange.Unchanged:
                restored.Agent.Llm.ApiKey!.Reveal().Should().Be(Key);
                fallbacks.Should().BeEmpty();
                break;
            case ProfileChange.Edited:
                restored.Agent.Llm.Model.Should().Be("openai/gpt-work-v2");
                fallbacks.Should().BeEmpty();
                break;
            case ProfileChange.KeyRotated:
                restored.Agent.Llm.ApiKey!.Reveal().Should().Be("sk-test-rotated-two");
                fallbacks.Should().BeEmpty();
                break;
            default:
                restored.Agent.Llm.Model.Should().Be("openai/gpt-work", "the secret-free snapshot is used");
                restored.Agent.Llm.ApiKey.Should().BeNull();
                var value = fallbacks.Should().ContainSingle().Subject.Value;
                value.GetProperty("profile").GetString().Should().Be("work");
                value.GetProperty("fallback").GetBoolean().Should().BeTrue();
                value.GetProperty("reason").GetString().Should().NotBeNullOrEmpty().And.NotContain(Key);
                break;
        }

        // Whatever happened, switching makes it runnable and the next run calls the new profile's model.
        if (change == ProfileChange.WrongCipherKey)
        {
            await store.SaveAsync(ProfileName.Create("other"), kit.Llm("openai/gpt-other", "sk-test-other-one"));
        }

        await restored.SwitchProfileAsync("other");
        kit.Server.Enqueue(FakeReply.Text("ok"));
        await restored.SendMessageAsync("Go.");
        await restored.RunAsync();
        kit.Server.Requests[^1].Model.Should().Be("gpt-other");
        kit.Server.Requests[^1].Headers["Authorization"].Should().Be("Bearer sk-test-other-one");
    }

    [Test]
    public async Task SwitchProfileAsync_SurvivesRestoreAndAlwaysTakesNewestContent()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync("fast", kit.Llm("openai/gpt-fast"));
        Guid id;
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            id = conversation.Id;
            await conversation.SwitchProfileAsync("fast");
            await kit.Store.SaveAsync("fast", kit.Llm("openai/gpt-fast-v2"));
            await conversation.SwitchProfileAsync("fast");
            conversation.Agent.Llm.Model.Should().Be("openai/gpt-fast-v2", "a switch re-reads the profile, it never reuses a cached one");
            var update = conversation.Events.OfType<ConversationStateUpdateEvent>().Last();
            update.Key.Should().Be("llm_profile");
            update.Value.GetProperty("profile").GetString().Should().Be("fast");
            update.Value.GetProperty("model").GetString().Should().Be("openai/gpt-fast-v2");
        }

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());
        restored.State.LlmProfile!.Name.Value.Should().Be("fast");
        restored.Agent.Llm.Model.Should().Be("openai/gpt-fast-v2");
    }

    [Test]
    public async Task SwitchProfileAsync_UnknownProfile_ThrowsAndChangesNothing()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        var events = conversation.Events.Count;

        var act = () => conversation.SwitchProfileAsync("ghost");

        await act.Should().ThrowAsync<ProfileNotFoundException>().WithMessage("*'ghost'*");
        conversation.State.LlmProfile!.Name.Value.Should().Be("Default");
        conversation.Events.Should().HaveCount(events);
    }

    [Test]
    public async Task Canary_CreateRunSwitchRestoreAndObsoleteSwitchLlm_KeyNeverInConversationFilesOrEvents()
    {
        var canary = "sk-test-CANARY-" + Guid.NewGuid().ToString("N");
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Responder = _ => FakeReply.ToolCall("finish", """{"message": "done"}""");
        await kit.Store.SaveAsync("second", kit.Llm("openai/gpt-second", canary));
        Guid id;
        var seen = new List<ConversationEvent>();
        var options = kit.Options();
        options.Callbacks.Add(seen.Add);
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm(key: canary)), options))
        {
            id = conversation.Id;
            await conversation.SendMessageAsync("One");
            await conversation.RunAsync();
            await conversation.SwitchProfileAsync("second");
#pragma warning disable CS0618 // the obsolete path must stay safe too
            await conversation.SwitchLlmAsync(kit.Llm("openai/gpt-raw", canary));
#pragma warning restore CS0618
            await conversation.SendMessageAsync("Two");
            await conversation.RunAsync();
        }

        await using (var restored = await kit.Factory().RestoreAsync(id, options))
        {
            await restored.SendMessageAsync("Three");
            await restored.RunAsync();
        }

        kit.ConversationFiles().Should().NotBeEmpty().And.NotContain(f => f.Text.Contains(canary, StringComparison.Ordinal));
        seen.Should().NotBeEmpty();
        foreach (var e in seen)
        {
            System.Text.Encoding.UTF8.GetString(OpenHands.Sdk.Conversations.Internal.EventJsonCodec.ToBytes(e)).Should().NotContain(canary);
        }

        kit.Server.Requests.Should().OnlyContain(r => r.Headers["Authorization"] == "Bearer " + canary, "the key does reach the provider");
    }

    [Test]
    public async Task CreateAsync_NoPersistenceFolder_PersistsAndMaterializesNothing()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("hi"));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm(key: Key)), kit.Options());
        await conversation.SendMessageAsync("Hello");
        await conversation.RunAsync();

        conversation.Directory.Should().BeNull();
        Directory.Exists(kit.Conversations).Should().BeFalse();
        (await kit.Store.ListAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task RestoreAsync_PendingActionFromACrash_IsExecutedFirst()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var file = Path.Combine(kit.Workspace, "pending.txt");
        Guid id;
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            id = conversation.Id;
            await conversation.SendMessageAsync("Write a file.");
        }

        // An action persisted without its observation, as if the process died while the tool ran.
        var events = Path.Combine(kit.Conversations, id.ToString("N"), "events");
        var last = Directory.GetFiles(events).Order(StringComparer.Ordinal).Last();
        var parent = JsonDocument.Parse(File.ReadAllText(last)).RootElement.GetProperty("id").GetString();
        var index = Directory.GetFiles(events).Length;
        var actionId = Guid.NewGuid().ToString();
        var arguments = JsonSerializer.Serialize(new { command = "create", path = file, file_text = "recovered" });
        await File.WriteAllTextAsync(Path.Combine(events, $"event-{index:D5}-{actionId}.json"), JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = actionId, ["timestamp"] = "2026-06-16T05:39:48.701247", ["source"] = "agent", ["parent_id"] = parent,
            ["thought"] = Array.Empty<object>(), ["action"] = new { command = "create", path = file, file_text = "recovered", kind = "FileEditorAction" },
            ["tool_name"] = "file_editor", ["tool_call_id"] = "call_pending", ["tool_call"] = new { id = "call_pending", name = "file_editor", arguments, origin = "completion" },
            ["llm_response_id"] = "resp-1", ["security_risk"] = "UNKNOWN", ["kind"] = "ActionEvent",
        }));
        kit.Server.Enqueue(FakeReply.ToolCall("finish", """{"message": "done"}"""));

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());
        await restored.RunAsync();

        File.ReadAllText(file).Should().Be("recovered");
        kit.Server.Requests.Should().HaveCount(1, "the pending action ran without an LLM call");
        restored.Events.OfType<ObservationEvent>().First().ActionId.Should().Be(actionId);
    }

    [Test]
    public async Task RestoreAsync_UnknownId_ThrowsInvalidConversation()
    {
        await using var kit = await ConversationTestKit.StartAsync();

        var act = () => kit.Factory().RestoreAsync(Guid.NewGuid(), kit.Options());

        await act.Should().ThrowAsync<InvalidConversationException>().WithMessage("*not found*");
    }

    [Test]
    public async Task RestoreAsync_PythonWrittenConversation_LoadsTheModeledState()
    {
        var source = Fixtures.RequireShared("conversations", "v1_11_5_cli_default", "base_state.json");
        await using var kit = await ConversationTestKit.StartAsync();
        var id = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var folder = Path.Combine(kit.Conversations, id.ToString("N"));
        Directory.CreateDirectory(folder);
        File.Copy(source, Path.Combine(folder, "base_state.json"));

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Id.Should().Be(id);
        restored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
        restored.State.MaxIterations.Should().Be(500);
        restored.State.LlmSnapshot.Model.Should().Be("gpt-4o-mini");
        restored.State.LlmSnapshot.UsageId.Should().Be("test-llm");
        restored.State.Tools.Select(t => t.Name).Should().Equal("terminal", "file_editor", "task_tracker");
        restored.Agent.Llm.ApiKey.Should().BeNull();
        restored.Events.OfType<ConversationStateUpdateEvent>().Should().ContainSingle(e => e.Key == "llm_profile", "there is no profile reference, so the snapshot is used and the reason recorded");
    }
}
