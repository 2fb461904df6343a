using System.Diagnostics;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// <see cref="Conversation.InterruptAsync"/> (issue 14, item 6): the LLM call or tool in flight ends at once, not after
/// the step; the interrupt is recorded and the conversation is paused and resumable. The bound of one second is generous:
/// cancelling an HTTP request or killing a process group takes milliseconds.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationInterruptTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [TestCase(false)]
    [TestCase(true)]
    public async Task InterruptAsync_LlmCallThatNeverAnswers_EndsTheRunAtOncePausedAndResumable(bool stream)
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(stream ? FakeReply.Text("Half an answer that never ends").WithPauseAfterChunks(2, new TaskCompletionSource().Task) : FakeReply.Hang());
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm() with { Stream = stream }), kit.Options());
        await conversation.SendMessageAsync("Think forever.");
        var run = conversation.RunAsync();
        await kit.Server.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        await conversation.InterruptAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Stop();

        TestContext.Out.WriteLine($"interrupt to run end: {clock.Elapsed.TotalMilliseconds:0} ms");
        clock.Elapsed.Should().BeLessThan(Bound);
        result.Status.Should().Be(ConversationExecutionStatus.Paused);
        conversation.Events.OfType<InterruptEvent>().Should().ContainSingle().Which.Source.Should().Be(EventSource.User);
        conversation.Events.OfType<PauseEvent>().Should().BeEmpty("an interrupt is recorded as such, not as a pause");
        conversation.Events.OfType<MessageEvent>().Should().NotContain(m => m.Source == EventSource.Agent, "a cut-off reply is not recorded");

        kit.Server.Enqueue(FakeReply.Text("Done after all."));
        var resumed = await conversation.RunAsync();

        resumed.Status.Should().Be(ConversationExecutionStatus.Finished);
        resumed.FinalAnswer.Should().Be("Done after all.");
    }

    [Test]
    public async Task InterruptAsync_RunningTerminalCommand_KillsItAtOnceAndAnswersTheCallWithAnError()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("The terminal tool runs a POSIX shell.");
        }

        await using var kit = await ConversationTestKit.StartAsync();
        var marker = Path.Combine(kit.Workspace, "after-sleep.txt");
        kit.Server.Enqueue(FakeReply.ToolCall("terminal", $$"""{"command": "sleep 30 && touch {{marker}}"}""", "call_sleep"));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Wait half a minute.");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = conversation.WatchEventsAsync(cancellationToken: cts.Token).GetAsyncEnumerator();
        var first = watch.MoveNextAsync();
        var run = conversation.RunAsync();
        for (var more = await first; more && watch.Current is not ActionEvent; more = await watch.MoveNextAsync())
        {
        }

        await Task.Delay(200); // let the shell start sleeping (not a timing assertion: the interrupt works before it too)
        var clock = Stopwatch.StartNew();
        await conversation.InterruptAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Stop();
        await watch.DisposeAsync();

        TestContext.Out.WriteLine($"interrupt to run end: {clock.Elapsed.TotalMilliseconds:0} ms");
        clock.Elapsed.Should().BeLessThan(Bound);
        result.Status.Should().Be(ConversationExecutionStatus.Paused);
        conversation.Events.OfType<AgentErrorEvent>().Should().ContainSingle()
            .Which.Should().Match<AgentErrorEvent>(e => e.ToolCallId == "call_sleep" && e.Error == "Tool call interrupted before completion. The conversation was paused.");
        conversation.Events.OfType<ObservationEvent>().Should().BeEmpty();
        conversation.Events[^1].Should().BeOfType<InterruptEvent>();

        kit.Server.Enqueue(FakeReply.ToolCall("finish", """{"message": "Stopped waiting."}"""));
        var resumed = await conversation.RunAsync();

        resumed.Status.Should().Be(ConversationExecutionStatus.Finished);
        kit.Server.Requests.Should().HaveCount(2, "the interrupted command is answered, not run again");
        kit.Server.Requests[1].BodyText.Should().Contain("Tool call interrupted before completion");
        File.Exists(marker).Should().BeFalse("the command was killed");
    }

    [Test]
    public async Task InterruptAsync_NoRunInProgress_PausesTheConversation()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Hello.");

        await conversation.InterruptAsync();

        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        conversation.Events.OfType<PauseEvent>().Should().ContainSingle();
        conversation.Events.OfType<InterruptEvent>().Should().BeEmpty();
    }

    [Test]
    public async Task InterruptAsync_Restored_KeepsTheInterruptAndResumes()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Hang());
        var factory = kit.Factory();
        Guid id;
        await using (var conversation = await factory.StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            id = conversation.Id;
            await conversation.SendMessageAsync("Hang.");
            var run = conversation.RunAsync();
            await kit.Server.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
            await conversation.InterruptAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var restored = await factory.RestoreAsync(id, kit.Options());
        kit.Server.Enqueue(FakeReply.Text("Back."));

        restored.Events.OfType<InterruptEvent>().Should().ContainSingle();
        restored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        (await restored.RunAsync()).FinalAnswer.Should().Be("Back.");
    }
}
