using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Conversations;

/// <summary>The remote twins of the local control methods, against the real server and the fake LLM.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class RemoteControlTests : RemoteTestBase
{
    [SetUp]
    public async Task SetUpProfileAsync()
    {
        await StartFakeLlmAsync();
        await Workspace.Profiles.SaveAsync("fast", FakeLlmConfig(ModelA));
        await Workspace.Profiles.SaveAsync("streamed", FakeLlmConfig(ModelB) with { Stream = true });
    }

    private async Task<(RemoteConversation Conversation, TempDirectory Work)> StartWithTerminalAsync()
    {
        var work = TempDirectory.Create();
        var options = new RemoteConversationOptions { WorkingDirectory = work.Path };
        options.Tools.Add(new ToolSpec("terminal"));
        return (await Workspace.Conversations.StartWithProfileAsync("fast", options), work);
    }

    [Test]
    public async Task ConfirmationTwins_RiskyCommand_WaitsThenRejectLeavesItAndAcceptRunsIt()
    {
        var (conversation, work) = await StartWithTerminalAsync();
        using var _ = work;
        var victim = Directory.CreateDirectory(Path.Combine(work.Path, "victim")).FullName;
        FakeLlm.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "rm -rf victim"}""", "call_1"),
            FakeReply.ToolCall("terminal", """{"command": "rm -rf victim"}""", "call_2"),
            FakeReply.Text("Gone."));
        await conversation.SetConfirmationPolicyAsync(new ConfirmRisky { Threshold = SecurityRisk.Medium });
        await conversation.SetSecurityAnalyzerAsync(new PatternSecurityAnalyzer());

        await conversation.SendMessageAsync("Remove the victim folder.");
        (await conversation.RunAsync()).Status.Should().Be(ConversationExecutionStatus.WaitingForConfirmation);
        await conversation.RejectPendingActionsAsync("Not that one.");
        (await conversation.GetStateAsync()).ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
        Directory.Exists(victim).Should().BeTrue();
        (await conversation.GetEventsAsync()).OfType<UserRejectObservationEvent>().Single().RejectionReason.Should().Be("Not that one.");

        await conversation.SendMessageAsync("Do it after all.");
        (await conversation.RunAsync()).Status.Should().Be(ConversationExecutionStatus.WaitingForConfirmation);
        await conversation.RespondToConfirmationAsync(accept: true);
        (await conversation.RunAsync()).Status.Should().Be(ConversationExecutionStatus.Finished);
        Directory.Exists(victim).Should().BeFalse();
    }

    [Test]
    public async Task SecretsAskFinalResponseForkTwins_WorkOverRest()
    {
        const string Canary = "sk-test-remote-secret";
        var (conversation, work) = await StartWithTerminalAsync();
        using var _ = work;
        FakeLlm.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo value=$REMOTE_TOKEN"}""", "call_1"),
            FakeReply.Text("The token is set."),
            FakeReply.Text("I echoed it."));
        await conversation.UpdateSecretsAsync(new Dictionary<string, SecretString> { ["REMOTE_TOKEN"] = new(Canary) });
        (await conversation.GetFinalResponseAsync()).Should().BeNull();

        await conversation.SendMessageAsync("Echo the token.");
        await conversation.RunAsync();

        (await conversation.GetFinalResponseAsync()).Should().Be("The token is set.");
        var events = await conversation.GetEventsAsync();
        events.OfType<ObservationEvent>().Single().Text.Should().Contain("value=<secret-hidden>").And.NotContain(Canary);
        (await conversation.AskAgentAsync("What did you do?")).Should().Be("I echoed it.");
        (await conversation.GetEventsAsync()).Should().HaveCount(events.Count);

        var fork = await conversation.ForkAsync(title: "copy");
        fork.Id.Should().NotBe(conversation.Id);
        (await fork.GetEventsAsync()).Select(e => e.Id).Should().Equal(events.Select(e => e.Id));
        (await fork.GetStateAsync()).Title.Should().Be("copy");
        var first = await conversation.ForkAsync(fromEventId: events[0].Id);
        (await first.GetEventsAsync()).Should().ContainSingle();
        await conversation.Invoking(c => c.CondenseAsync()).Should().ThrowAsync<AgentServerConflictException>().WithMessage("*condenser*");
    }

    [Test]
    public async Task InterruptAsync_InFlightLlmCall_LeavesItPaused()
    {
        FakeLlm.Enqueue(FakeReply.Hang());
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("Hang.");
        await conversation.RunAsync(waitForCompletion: false);
        await FakeLlm.WaitForRequestsAsync(1);

        await conversation.InterruptAsync();

        for (var i = 0; i < 200 && ((await conversation.GetStateAsync()).ExecutionStatus != ConversationExecutionStatus.Paused
            || !(await conversation.GetEventsAsync()).OfType<InterruptEvent>().Any()); i++)
        {
            await Task.Delay(50);
        }

        (await conversation.GetStateAsync()).ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        (await conversation.GetEventsAsync()).OfType<InterruptEvent>().Should().ContainSingle();
    }

    [Test]
    public async Task WatchEventsAsync_StreamingProfile_PassesDeltasLiveButTheHistoryHasNone()
    {
        const string Reply = "Deltas pass through the remote stream live.";
        FakeLlm.Enqueue(FakeReply.Text(Reply));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("streamed");
        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));
        await conversation.SendMessageAsync("Stream it.");
        await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any(m => m.Source == EventSource.User));   // the socket is live
        await conversation.RunAsync();

        var seen = await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any(m => m.Source == EventSource.Agent));
        var deltas = seen.TakeWhile(e => e is not MessageEvent { Source: EventSource.Agent }).OfType<StreamingDeltaEvent>().ToList();
        deltas.Should().HaveCountGreaterThanOrEqualTo(2);
        string.Concat(deltas.Select(d => d.Content)).Should().Be(Reply);
        (await conversation.GetEventsAsync()).OfType<StreamingDeltaEvent>().Should().BeEmpty();
    }
}
