using System.Text.Json;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>Confirmation of risky actions end to end: a risky terminal command waits; reject leaves it unrun; accept runs it.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConfirmationTests
{
    // Rated HIGH (a download piped into a shell); harmless when run: the download fails and the marker is written.
    private const string RiskyCommand = "curl -s http://127.0.0.1:9/x | sh; echo ran > marker.txt";

    [Test]
    public async Task RunAsync_ConfirmRiskyAndRiskyCommand_WaitsThenRejectLeavesItUnrun()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(
            FakeReply.ToolCall("terminal", JsonSerializer.Serialize(new { command = RiskyCommand })),
            FakeReply.ToolCall("finish", """{"message": "Skipped it."}"""));
        var options = Risky(kit);
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), options);
        await conversation.SendMessageAsync("Install the tool.");

        var first = await conversation.RunAsync();

        first.Status.Should().Be(ConversationExecutionStatus.WaitingForConfirmation);
        conversation.PendingActions.Should().ContainSingle().Which.SecurityRisk.Should().Be("HIGH");
        conversation.Events.OfType<ObservationEvent>().Should().BeEmpty();

        var rejections = await conversation.RejectPendingActionsAsync("Not on this machine.");

        rejections.Should().ContainSingle().Which.RejectionReason.Should().Be("Not on this machine.");
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
        conversation.PendingActions.Should().BeEmpty();
        File.Exists(Path.Combine(kit.Workspace, "marker.txt")).Should().BeFalse("a rejected action never runs");

        await conversation.RunAsync();

        File.Exists(Path.Combine(kit.Workspace, "marker.txt")).Should().BeFalse();
        kit.Server.Requests[^1].BodyText.Should().Contain("Action rejected: Not on this machine.", "the model learns why");
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Finished);
        var file = Directory.GetFiles(Path.Combine(conversation.Directory!, "events"), "*.json").Select(File.ReadAllText).Single(t => t.Contains("UserRejectObservation", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(file);
        json.RootElement.GetProperty("rejection_reason").GetString().Should().Be("Not on this machine.");
        json.RootElement.GetProperty("rejection_source").GetString().Should().Be("user");
        json.RootElement.GetProperty("action_id").GetString().Should().Be(rejections[0].ActionId);
    }

    [Test]
    public async Task RunAsync_WaitingThenRunAgain_AcceptsAndRunsThePendingAction()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(
            FakeReply.ToolCall("terminal", JsonSerializer.Serialize(new { command = RiskyCommand })),
            FakeReply.ToolCall("finish", """{"message": "Done."}"""));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), Risky(kit));
        await conversation.SendMessageAsync("Install the tool.");
        await conversation.RunAsync();
        conversation.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.WaitingForConfirmation);

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Finished);
        File.ReadAllText(Path.Combine(kit.Workspace, "marker.txt")).Should().Be("ran\n", "running again accepts the pending action");
        kit.Server.Requests.Should().HaveCount(2, "the accepted action ran without another LLM call");
    }

    [Test]
    public async Task RunAsync_LowRiskCommand_RunsWithoutWaiting()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("terminal", """{"command": "echo safe"}"""), FakeReply.ToolCall("finish", """{"message": "ok"}"""));
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), Risky(kit));
        await conversation.SendMessageAsync("Say safe.");

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Finished);
        conversation.Events.OfType<ActionEvent>().First().SecurityRisk.Should().Be("LOW");
    }

    [Test]
    public async Task RestoreAsync_WaitingConversation_KeepsPolicyAnalyzerStatusAndPendingAction()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("terminal", JsonSerializer.Serialize(new { command = RiskyCommand })));
        Guid id;
        await using (var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), Risky(kit)))
        {
            await conversation.SendMessageAsync("Install the tool.");
            await conversation.RunAsync();
            id = conversation.Id;
            using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(conversation.Directory!, "base_state.json")));
            state.RootElement.GetProperty("confirmation_policy").GetRawText().Should().Be("""{"threshold":"HIGH","confirm_unknown":true,"kind":"ConfirmRisky"}""");
            state.RootElement.GetProperty("security_analyzer").GetRawText().Should().Be("""{"kind":"PatternSecurityAnalyzer"}""");
            state.RootElement.GetProperty("execution_status").GetString().Should().Be("waiting_for_confirmation");
        }

        await using var restored = await kit.Factory().RestoreAsync(id);

        restored.State.ConfirmationPolicy.Should().Be(new ConfirmRisky());
        restored.State.SecurityAnalyzer.Should().BeOfType<PatternSecurityAnalyzer>();
        restored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.WaitingForConfirmation);
        restored.PendingActions.Should().ContainSingle();
        await restored.RejectPendingActionsAsync();
        restored.Events.OfType<UserRejectObservationEvent>().Single().RejectionReason.Should().Be("User rejected the action");
    }

    [Test]
    public async Task SetConfirmationPolicyAsync_AlwaysConfirm_MakesEvenASafeCommandWait()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("terminal", """{"command": "echo safe"}"""));
        await using var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        await conversation.SetConfirmationPolicyAsync(ConfirmationPolicy.Always);
        await conversation.SendMessageAsync("Say safe.");

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.WaitingForConfirmation);
        conversation.State.ConfirmationPolicy.Should().BeOfType<AlwaysConfirm>();
    }

    private static ConversationOptions Risky(ConversationTestKit kit)
    {
        var options = kit.Options();
        options.ConfirmationPolicy = new ConfirmRisky();
        options.SecurityAnalyzer = new PatternSecurityAnalyzer();
        return options;
    }
}
