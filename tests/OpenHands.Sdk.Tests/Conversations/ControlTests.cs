using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>Stuck detection, the agent's final response, side questions and forks.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ControlTests
{
    [Test]
    public async Task RunAsync_ModelRepeatsTheSameCommand_EndsAsStuckWithAnEvent()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Responder = _ => FakeReply.ToolCall("terminal", """{"command": "echo again"}""");
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Loop.");

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Stuck);
        kit.Server.Requests.Should().HaveCount(4, "four identical action/observation pairs are a loop");
        conversation.Events.OfType<ConversationStateUpdateEvent>().Last().Should().Match<ConversationStateUpdateEvent>(e =>
            e.Key == "execution_status" && e.Value.GetString() == "stuck");
        File.ReadAllText(Path.Combine(conversation.Directory!, "base_state.json")).Should().Contain("\"execution_status\":\"stuck\"");
    }

    [Test]
    public async Task RunAsync_AlternatingCommands_EndsAsStuck()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var calls = 0;
        kit.Server.Responder = _ => FakeReply.ToolCall("terminal", Interlocked.Increment(ref calls) % 2 == 0 ? """{"command": "echo a"}""" : """{"command": "echo b"}""");
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Loop.");

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Stuck);
        kit.Server.Requests.Should().HaveCount(6);
    }

    [Test]
    public async Task RunAsync_StuckDetectionOff_RunsToTheIterationCap()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Responder = _ => FakeReply.ToolCall("terminal", """{"command": "echo again"}""");
        var options = kit.Options();
        options.StuckDetection = false;
        options.MaxIterations = 6;
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), options);
        await conversation.SendMessageAsync("Loop.");

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Error);
        kit.Server.Requests.Should().HaveCount(6);
    }

    [Test]
    public async Task AskAgentAsync_AfterARun_AnswersAndLeavesHistoryAndStateByteIdentical()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("terminal", """{"command": "echo 42 > answer.txt"}"""), FakeReply.ToolCall("finish", """{"message": "Wrote it."}"""));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SendMessageAsync("Write 42.");
        await conversation.RunAsync();
        var before = Snapshot(conversation.Directory!);
        var eventsBefore = conversation.Events.Count;
        kit.Server.Enqueue(FakeReply.Text("You wrote 42 into answer.txt."));

        var answer = await conversation.AskAgentAsync("What did you write?");

        answer.Should().Be("You wrote 42 into answer.txt.");
        Snapshot(conversation.Directory!).Should().Equal(before, "a side question changes no file");
        conversation.Events.Should().HaveCount(eventsBefore);
        conversation.GetResult().FinalAnswer.Should().Be("Wrote it.", "the final response is still the finish message");
        var request = kit.Server.Requests[^1].BodyText;
        request.Should().Contain("What did you write?").And.Contain("echo 42 > answer.txt", "the history goes with the question");
    }

    [Test]
    public async Task ForkAsync_CopiesHistoryKeepsTheProfileReferenceAndGetsANewId()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("finish", """{"message": "first"}"""));
        await using var source = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await source.SendMessageAsync("Start.");
        await source.RunAsync();
        var sourceFiles = Snapshot(source.Directory!);

        await using var fork = await source.ForkAsync();

        fork.Id.Should().NotBe(source.Id);
        fork.State.LlmProfile.Should().Be(source.State.LlmProfile).And.NotBeNull();
        fork.Events.Select(e => (e.Id, e.Kind)).Should().Equal(source.Events.Select(e => (e.Id, e.Kind)));
        fork.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
        fork.State.Metrics.Should().BeEmpty("usage starts fresh on a fork");
        fork.Directory.Should().NotBe(source.Directory);
        Snapshot(source.Directory!).Should().Equal(sourceFiles, "the source is not changed");

        kit.Server.Enqueue(FakeReply.ToolCall("finish", """{"message": "second"}"""));
        await fork.SendMessageAsync("Go on.");
        (await fork.RunAsync()).FinalAnswer.Should().Be("second");
        source.Events.Should().HaveCount(fork.Events.Count - 3, "the fork went on alone: a message, an action, an observation");
        await using var restored = await kit.Factory().RestoreAsync(fork.Id);
        restored.Events.Should().HaveCount(fork.Events.Count);
    }

    private static List<(string, string)> Snapshot(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => (f, Convert.ToBase64String(File.ReadAllBytes(f))))];
}
