using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Profiles;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>The agent loop end to end: real HTTP to a scripted LLM on loopback, real tools, real files.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationTests
{
    [TestCase("openai/gpt-test")]
    [TestCase("anthropic/claude-test")]
    public async Task RunAsync_CreateFileThenReadItThenFinish_CompletesWithToolsAndEvents(string model)
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var file = Path.Combine(kit.Workspace, "hello.txt");
        kit.Server.Enqueue(
            FakeReply.ToolCall("file_editor", JsonSerializer.Serialize(new { command = "create", path = file, file_text = "hello from the agent\n" })),
            FakeReply.ToolCall("terminal", """{"command": "cat hello.txt"}"""),
            FakeReply.ToolCall("finish", """{"message": "Created and checked hello.txt."}"""));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm(model)), kit.Options());

        await conversation.SendMessageAsync("Create hello.txt and show it.");
        await conversation.RunAsync();

        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
        File.ReadAllText(file).Should().Be("hello from the agent\n");
        var observations = conversation.Events.OfType<ObservationEvent>().ToList();
        observations.Select(o => o.ToolName).Should().Equal("file_editor", "terminal", "finish");
        observations[1].Text.Should().Contain("hello from the agent").And.Contain("[exit code 0]");
        conversation.Events[0].Should().BeOfType<SystemPromptEvent>();
        conversation.Events.Skip(1).Select(e => e.ParentId).Should().Equal(conversation.Events.SkipLast(1).Select(e => e.Id), "each event's parent is the previous one");
        kit.Server.Requests.Should().HaveCount(3);
        kit.Server.Requests[2].BodyText.Should().Contain("hello from the agent", "the terminal output went back to the model");
    }

    [Test]
    public async Task RunAsync_PlainTextReply_FinishesTheRun()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("The answer is 4."));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        await conversation.SendMessageAsync("What is 2 + 2?");
        await conversation.RunAsync();

        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
        conversation.Events.OfType<MessageEvent>().Last().Should().Match<MessageEvent>(m => m.Source == EventSource.Agent && m.Text == "The answer is 4.");
    }

    [Test]
    public async Task RunAsync_FinishTool_ReturnsTheFinishMessageStatusAndUsage()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(
            FakeReply.ToolCall("think", """{"thought": "plan"}""").WithUsage(100, 10),
            FakeReply.ToolCall("finish", """{"message": "All done: 42."}""").WithUsage(50, 5));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        await conversation.SendMessageAsync("Compute.");
        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Finished);
        result.FinalAnswer.Should().Be("All done: 42.");
        result.Usage.PromptTokens.Should().Be(150);
        result.Usage.CompletionTokens.Should().Be(15);
        result.Usage.TotalTokens.Should().Be(165);
        result.Usage.Calls.Should().Be(2);
        conversation.GetResult().Should().Be(result);
    }

    [Test]
    public async Task RunAsync_TextReplyThenNewMessage_AnswerIsTheLastAssistantTextUntilTheNextMessage()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("The answer is 4."));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        await conversation.SendMessageAsync("What is 2 + 2?");
        var result = await conversation.RunAsync();
        await conversation.SendMessageAsync("And 3 + 3?");

        result.FinalAnswer.Should().Be("The answer is 4.");
        conversation.GetResult().FinalAnswer.Should().BeNull("the latest message has no answer yet");
        conversation.GetResult().Status.Should().Be(ConversationExecutionStatus.Idle);
    }

    [Test]
    public async Task RunAsync_ReplyWithoutTextOrToolCall_IsNudgedAndTheLoopContinues()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text(string.Empty).WithReasoning("Let me think about it."), FakeReply.ToolCall("finish", """{"message": "done"}"""));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm() with { NumRetries = 1 }), kit.Options());

        await conversation.SendMessageAsync("Go.");
        await conversation.RunAsync();

        conversation.Events.OfType<MessageEvent>().Should().Contain(m => m.Source == EventSource.Agent && m.ReasoningContent == "Let me think about it.");
        conversation.Events.OfType<MessageEvent>().Should().Contain(m => m.Source == EventSource.Environment && m.Text.Contains("did not include a function call", StringComparison.Ordinal));
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
    }

    [Test]
    public async Task RunAsync_IterationCap_EmitsErrorEventWithoutThrowing()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Responder = _ => FakeReply.ToolCall("think", """{"thought": "still thinking"}""");
        var options = kit.Options();
        options.MaxIterations = 3;
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), options);

        await conversation.SendMessageAsync("Think forever.");
        await conversation.RunAsync();

        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Error);
        conversation.Events.OfType<ConversationErrorEvent>().Should().ContainSingle()
            .Which.Should().Match<ConversationErrorEvent>(e => e.Code == "MaxIterationsReached" && e.Detail.Contains("(3)", StringComparison.Ordinal));
        kit.Server.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task RunAsync_UnknownToolAndBadArguments_BecomeAgentErrorsAndTheRunGoesOn()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(
            FakeReply.ToolCall("no_such_tool", "{}"),
            FakeReply.ToolCall("terminal", "{not json"),
            FakeReply.ToolCall("file_editor", """{"command": "view", "path": "/definitely/outside/the/workspace"}"""),
            FakeReply.ToolCall("finish", """{"message": "gave up"}"""));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        await conversation.SendMessageAsync("Try things.");
        await conversation.RunAsync();

        var errors = conversation.Events.OfType<AgentErrorEvent>().ToList();
        errors.Should().HaveCount(2);
        errors[0].Error.Should().Contain("Tool 'no_such_tool' not found").And.Contain("'terminal'");
        errors[1].Error.Should().Contain("unparseable JSON");
        conversation.Events.OfType<ObservationEvent>().Should().Contain(o => o.ToolName == "file_editor" && o.IsError);
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
    }

    [Test]
    public async Task RunAsync_LlmFailsWithAuthError_RecordsErrorEventAndThrowsRunException()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Error(401, """{"error": {"message": "invalid key sk-test-conversation-one"}}"""));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        await conversation.SendMessageAsync("Hi.");
        var act = () => conversation.RunAsync();

        (await act.Should().ThrowAsync<ConversationRunException>()).Which.Message.Should().NotContain("sk-test-conversation-one");
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Error);
        var error = conversation.Events.OfType<ConversationErrorEvent>().Single();
        error.Detail.Should().NotContain("sk-test-conversation-one");
        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains("sk-test-conversation-one", StringComparison.Ordinal));
    }

    [Test]
    public async Task Callbacks_OneThrows_EventStillPersistedAndOthersRun()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var options = kit.Options();
        var seenOnDisk = new List<bool>();
        options.Callbacks.Add(_ => throw new InvalidOperationException("callback failure"));
        options.Callbacks.Add(e => seenOnDisk.Add(kit.ConversationFiles().Any(f => f.Path.Contains(e.Id, StringComparison.Ordinal))));
        kit.Server.Enqueue(FakeReply.Text("ok"));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), options);

        await conversation.SendMessageAsync("Hi.");
        await conversation.RunAsync();

        seenOnDisk.Should().HaveCount(conversation.Events.Count).And.OnlyContain(b => b, "events are persisted before callbacks run");
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
    }

    [Test]
    public async Task WatchEventsAsync_DuringRun_StreamsBacklogThenLiveEvents()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("think", """{"thought": "a"}"""), FakeReply.Text("done"));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Hi.");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in conversation.WatchEventsAsync(cancellationToken: cts.Token))
            {
                seen.Add(e.Kind);
                if (e is MessageEvent { Source: EventSource.Agent })
                {
                    return;
                }
            }
        });

        await conversation.RunAsync();
        await watcher;

        seen.Should().Equal(conversation.Events.Select(e => e.Kind));
    }

    [Test]
    public async Task PauseAsync_DuringRun_StopsAfterTheStepAndNextRunContinues()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Delay(TimeSpan.FromMilliseconds(400), FakeReply.ToolCall("think", """{"thought": "slow"}""")), FakeReply.Text("finished after resume"));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Hi.");

        var run = conversation.RunAsync();
        await kit.Server.WaitForRequestsAsync(1);
        await conversation.PauseAsync();
        await run;

        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        conversation.Events.OfType<PauseEvent>().Should().ContainSingle();
        await conversation.RunAsync();
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
    }

    [Test]
    public async Task RunAsync_Cancelled_LeavesConversationPausedAndResumable()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(5), FakeReply.Text("too late")), FakeReply.Text("resumed"));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Hi.");
        using var cts = new CancellationTokenSource();

        var run = conversation.RunAsync(cts.Token);
        await kit.Server.WaitForRequestsAsync(1);
        await cts.CancelAsync();
        var act = () => run;

        await act.Should().ThrowAsync<OperationCanceledException>();
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        await conversation.RunAsync();
        conversation.Events.OfType<MessageEvent>().Last().Text.Should().Be("resumed");
    }

    [Test]
    public async Task RunAsync_AlreadyRunning_Throws()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Delay(TimeSpan.FromMilliseconds(300), FakeReply.Text("ok")));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Hi.");

        var first = conversation.RunAsync();
        var second = () => conversation.RunAsync();

        await second.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already running*");
        await first;
    }

    [Test]
    public async Task Metrics_AreCountedPerUsageId_IncludingAProfileSwitchedInBeforeTheFirstRun()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync("fast", kit.Llm("openai/gpt-fast"));
        kit.Server.Enqueue(FakeReply.Text("one").WithUsage(100, 10), FakeReply.Text("two").WithUsage(50, 5));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());

        await conversation.SwitchProfileAsync("fast");
        await conversation.SendMessageAsync("Hi.");
        await conversation.RunAsync();
        await conversation.SendMessageAsync("Again.");
        await conversation.RunAsync();

        var metrics = conversation.State.Metrics["profile:fast"];
        metrics.PromptTokens.Should().Be(150);
        metrics.CompletionTokens.Should().Be(15);
        metrics.Calls.Should().Be(2);
        kit.Server.Requests.Select(r => r.Model).Should().OnlyContain(m => m == "gpt-fast");
        var restored = await kit.Factory().RestoreAsync(conversation.Id, kit.Options());
        restored.State.Metrics["profile:fast"].PromptTokens.Should().Be(150);
    }
}
