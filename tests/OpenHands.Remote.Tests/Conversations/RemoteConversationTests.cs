using System.Text.Json;
using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;

namespace OpenHands.Remote.Tests.Conversations;

/// <summary>Conversations on the real server, the agent loop against the fake LLM provider.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class RemoteConversationTests : RemoteTestBase
{
    [SetUp]
    public async Task SetUpProfilesAsync()
    {
        await StartFakeLlmAsync();
        await Workspace.Profiles.SaveAsync("fast", FakeLlmConfig(ModelA));
        await Workspace.Profiles.SaveAsync("smart", FakeLlmConfig(ModelB, "sk-test-remote-2"));
        Recorder.Clear();
    }

    [Test]
    public async Task StartAsync_ByProfileName_SendsOnlyTheReference()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast", new RemoteConversationOptions
        {
            MaxIterations = 7,
            WorkingDirectory = Dir.Path,
            Tools = { new ToolSpec("terminal") },
        });

        var start = Sent("POST", "/api/conversations").Should().ContainSingle().Which;
        using var body = JsonDocument.Parse(start.Body);
        body.RootElement.GetProperty("llm_profile").GetString().Should().Be("fast");
        body.RootElement.GetProperty("agent").TryGetProperty("llm", out _).Should().BeFalse();
        start.Body.Should().NotContain("sk-test");
        var state = await conversation.GetStateAsync();
        state.Id.Should().Be(conversation.Id);
        state.LlmProfile.Should().Be(ProfileName.Create("fast"));
        state.Llm!.Model.Should().Be(ModelA);
        state.Llm.ApiKey.Should().BeNull();
        state.MaxIterations.Should().Be(7);
        state.WorkingDirectory.Should().Be(Dir.Path);
        state.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
    }

    [Test]
    public async Task StartAsync_NoProfileName_UsesTheServersActiveProfile()
    {
        await Workspace.Profiles.ActivateAsync("smart");

        var conversation = await Workspace.Conversations.StartWithProfileAsync();

        Sent("POST", "/api/conversations").Single().Body.Should().NotContain("llm_profile");
        (await conversation.GetStateAsync()).LlmProfile.Should().Be(ProfileName.Create("smart"));
    }

    [Test]
    public async Task StartAsync_NoProfileAndNoActiveProfile_ThrowsValidationSayingHowToFixIt()
    {
        var act = () => Workspace.Conversations.StartWithProfileAsync();

        var error = (await act.Should().ThrowAsync<AgentServerValidationException>()).Which;
        error.Errors.Should().ContainSingle().Which.Should().StartWith("body.llm_profile:");
        error.Message.Should().Contain("activate");
    }

    [Test]
    public async Task StartAsync_UnknownProfile_ThrowsProfileNotFound()
    {
        var act = () => Workspace.Conversations.StartWithProfileAsync("ghost");

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.ProfileName.Should().Be(ProfileName.Create("ghost"));
    }

    [Test]
    public async Task StartAsync_AgentWithRawLlm_SavesOneProfileThenStartsByReference()
    {
        var agent = new Agent(FakeLlmConfig(ModelB, "sk-test-agent-4"), [new ToolSpec("file_editor")]);

        var conversation = await Workspace.Conversations.StartAsync(agent);

        var profile = (await conversation.GetStateAsync()).LlmProfile!.Value.Value;
        profile.Should().MatchRegex("^Default-[0-9a-f]{12}$", "an LLM with a key goes to its content name, which proves the key over REST");
        var writes = Recorder.Requests.Where(r => r.Method != "GET").Select(r => $"{r.Method} {r.Path}").ToList();
        writes.Should().Equal($"POST /api/profiles/{profile}", "POST /api/conversations");
        Recorder.Requests.Where(r => r.Text.Contains("sk-test-agent-4", StringComparison.Ordinal)).Select(r => r.Path).Should().Equal($"/api/profiles/{profile}");
        var start = Sent("POST", "/api/conversations").Single().Body;
        start.Should().Contain($"\"llm_profile\":\"{profile}\"").And.Contain("file_editor");
        (await conversation.GetStateAsync()).Llm!.Model.Should().Be(ModelB);
    }

    [Test]
    public async Task StartAsync_AgentWithExplicitProfileName_SavesUnderThatName()
    {
        var agent = new Agent(FakeLlmConfig(ModelB, "sk-test-agent-5"));

        var conversation = await Workspace.Conversations.StartAsync(agent, new RemoteConversationOptions { LlmProfileName = "mine" });

        (await conversation.GetStateAsync()).LlmProfile.Should().Be(ProfileName.Create("mine"));
    }

    [Test]
    public async Task StartAsync_SameExplicitIdTwice_ReturnsTheSameConversation()
    {
        var id = Guid.NewGuid();

        var first = await Workspace.Conversations.StartWithProfileAsync("fast", new RemoteConversationOptions { ConversationId = id });
        var second = await Workspace.Conversations.StartWithProfileAsync("smart", new RemoteConversationOptions { ConversationId = id });

        first.Id.Should().Be(id);
        second.Id.Should().Be(id);
        (await second.GetStateAsync()).LlmProfile.Should().Be(ProfileName.Create("fast"), "an existing conversation is returned as it is");
    }

    [Test]
    public async Task StartAsync_WithInitialMessage_AddsTheMessage()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast", new RemoteConversationOptions { InitialMessage = "Hello there" });

        var events = await conversation.GetEventsAsync();
        events.OfType<MessageEvent>().Should().ContainSingle(m => m.Source == EventSource.User && m.Text == "Hello there");
    }

    [Test]
    public async Task AttachAsync_ExistingConversation_ReturnsIt()
    {
        var started = await Workspace.Conversations.StartWithProfileAsync("fast");

        var attached = await Workspace.Conversations.RestoreAsync(started.Id);

        attached.Id.Should().Be(started.Id);
    }

    [Test]
    public async Task AttachAsync_UnknownConversation_ThrowsConversationNotFound()
    {
        var id = Guid.NewGuid();

        var act = () => Workspace.Conversations.RestoreAsync(id);

        var error = (await act.Should().ThrowAsync<ConversationNotFoundException>()).Which;
        error.ConversationId.Should().Be(id);
        error.StatusCode.Should().Be(404);
        error.Message.Should().Contain(id.ToString());
    }

    [Test]
    public async Task SendMessageAndRunAsync_AgentFinishes_ReturnsFinishedWithTheAgentsEvents()
    {
        FakeLlm.Enqueue(
            FakeReply.ToolCall("think", """{"thought": "easy"}"""),
            FakeReply.ToolCall("finish", """{"message": "All done."}"""));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");

        await conversation.SendMessageAsync("Do the thing");
        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Finished);
        result.FinalAnswer.Should().Be("All done.", "the run returns the same result a local run does");
        result.Usage.Calls.Should().Be(2);
        var events = await conversation.GetEventsAsync();
        events.OfType<MessageEvent>().Should().Contain(m => m.Source == EventSource.User && m.Text == "Do the thing");
        events.OfType<ActionEvent>().Select(a => a.ToolName).Should().Equal("think", "finish");
        FakeLlm.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Model == "fake-model-a");
        Sent("POST", "/events").Single().Body.Should().Be("""{"role":"user","content":[{"type":"text","text":"Do the thing"}],"run":false}""");
    }

    [Test]
    public async Task RunAsync_WithoutWaiting_ReturnsOnceTheRunStarted()
    {
        FakeLlm.Enqueue(FakeReply.Delay(TimeSpan.FromMilliseconds(500), FakeReply.ToolCall("finish", """{"message": "late"}""")));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("Go");

        var started = await conversation.RunAsync(waitForCompletion: false);

        started.Status.Should().BeOneOf(ConversationExecutionStatus.Idle, ConversationExecutionStatus.Running);
        (await conversation.RunAsync()).Status.Should().Be(ConversationExecutionStatus.Finished, "a second run while running waits for the first");
    }

    [Test]
    public async Task RunAsync_LlmFails_ThrowsConversationRunExceptionWithTheServersError()
    {
        FakeLlm.Enqueue(FakeReply.Error(400, """{"error": {"message": "model says no", "type": "invalid_request_error"}}"""));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("Go");

        var act = () => conversation.RunAsync();

        var error = (await act.Should().ThrowAsync<ConversationRunException>()).Which;
        error.ConversationId.Should().Be(conversation.Id);
        error.Message.Should().Contain("error").And.Contain("model says no");
        (await conversation.GetStateAsync()).ExecutionStatus.Should().Be(ConversationExecutionStatus.Error);
    }

    [Test]
    public async Task RunAsync_FinishedConversationWithoutNewMessage_ReturnsAtOnce()
    {
        FakeLlm.Enqueue(FakeReply.ToolCall("finish", """{"message": "done"}"""));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("Go");
        await conversation.RunAsync();

        var again = await conversation.RunAsync();

        again.Status.Should().Be(ConversationExecutionStatus.Finished);
        FakeLlm.Requests.Should().HaveCount(1);
    }

    [Test]
    public async Task RunAsync_CancelledWhileWaiting_PausesTheRunOnTheServer()
    {
        FakeLlm.Responder = _ => FakeReply.Delay(TimeSpan.FromMilliseconds(300), FakeReply.ToolCall("think", """{"thought": "again"}"""));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("Loop");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));

        var act = () => conversation.RunAsync(cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        RemoteConversationState state;
        do
        {
            await Task.Delay(50);
            state = await conversation.GetStateAsync();
        }
        while (state.ExecutionStatus != ConversationExecutionStatus.Paused && DateTime.UtcNow < deadline);

        state.ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
    }

    [Test]
    public async Task PauseAsync_IdleConversation_MarksItPaused()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");

        await conversation.PauseAsync();

        (await conversation.GetStateAsync()).ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        (await conversation.GetEventsAsync()).OfType<PauseEvent>().Should().ContainSingle();
    }

    [Test]
    public async Task SwitchProfileAsync_MidConversation_NextRunUsesTheNewProfile()
    {
        FakeLlm.Enqueue(
            FakeReply.ToolCall("finish", """{"message": "first"}"""),
            FakeReply.ToolCall("finish", """{"message": "second"}"""));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("One");
        await conversation.RunAsync();

        await conversation.SwitchProfileAsync("smart");
        await conversation.SendMessageAsync("Two");
        await conversation.RunAsync();

        FakeLlm.Requests.Select(r => r.Model).Should().Equal("fake-model-a", "fake-model-b");
        FakeLlm.Requests[1].Header("Authorization").Should().Be("Bearer sk-test-remote-2");
        var state = await conversation.GetStateAsync();
        state.LlmProfile.Should().Be(ProfileName.Create("smart"));
        state.Llm!.Model.Should().Be(ModelB);
        (await conversation.GetEventsAsync()).OfType<ConversationStateUpdateEvent>()
            .Should().Contain(e => e.Key == ConversationStateUpdateEvent.LlmProfileKey && e.Value.ToString().Contains("smart"));
        Sent("POST", "/switch_profile").Single().Body.Should().Be("""{"profile_name":"smart"}""");
    }

    [Test]
    public async Task SwitchProfileAsync_UnknownProfile_ThrowsProfileNotFoundAndKeepsTheProfile()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");

        var act = () => conversation.SwitchProfileAsync("ghost");

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.ProfileName.Should().Be(ProfileName.Create("ghost"));
        (await conversation.GetStateAsync()).LlmProfile.Should().Be(ProfileName.Create("fast"));
    }

    [Test]
    public async Task SwitchProfileAsync_DeletedConversation_ThrowsConversationNotFound()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.DeleteAsync();

        var act = () => conversation.SwitchProfileAsync("smart");

        await act.Should().ThrowAsync<ConversationNotFoundException>();
    }

    [Test]
    public async Task DeleteAsync_ExistingConversation_RemovesItAndASecondDeleteSucceeds()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");

        await conversation.DeleteAsync();

        await conversation.Invoking(c => c.GetStateAsync()).Should().ThrowAsync<ConversationNotFoundException>();
        await conversation.Invoking(c => c.DeleteAsync()).Should().NotThrowAsync();
        await conversation.Invoking(c => c.SendMessageAsync("hi")).Should().ThrowAsync<ConversationNotFoundException>();
    }

    [Test]
    public async Task GetEventsAsync_ManyEvents_ReadsEveryPageInOrder()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        for (var i = 0; i < 105; i++)
        {
            await conversation.SendMessageAsync($"m{i}");
        }

        var events = await conversation.GetEventsAsync();

        events.OfType<MessageEvent>().Select(m => m.Text).Should().Equal(Enumerable.Range(0, 105).Select(i => $"m{i}"));
        Sent("GET", "/events/search").Should().HaveCount(2);
    }
}
