using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Condensers;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>Condensation whose LLM is a profile: the summary is written by the condenser profile's model and key.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class CondensationTests
{
    private const string Summary = "SUMMARY-OF-EARLIER-STEPS";

    [Test]
    public async Task RunAsync_HistoryPastMaxSize_IsCondensedByTheCondenserProfileAndRestoresWithIt()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync(ProfileName.Create("worker"), kit.Llm("openai/agent-model", "sk-test-worker-one"));
        await kit.Store.SaveAsync(ProfileName.Create("summarizer"), kit.Llm("openai/condenser-model", "sk-test-summary-1"));
        var step = 0;
        kit.Server.Responder = r => r.BodyText.Contains("condenser-model", StringComparison.Ordinal)
            ? FakeReply.Text(Summary)
            : ++step <= 6 ? FakeReply.ToolCall("think", JsonSerializer.Serialize(new { thought = $"note-A{step}" }))
            : FakeReply.ToolCall("finish", """{"message": "done"}""");
        var condenser = new LlmSummarizingCondenser { Profile = ProfileReference.Create("summarizer"), MaxSize = 10, KeepFirst = 2 };
        await using var conversation = await kit.Factory().StartWithProfileAsync(
            ProfileReference.Create("worker"), llm => new Agent(llm) { Condenser = condenser }, kit.Options());
        await conversation.SendMessageAsync("Think in steps.");

        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Finished);
        var summaryRequest = kit.Server.Requests.Single(r => r.BodyText.Contains("condenser-model", StringComparison.Ordinal));
        summaryRequest.Header("Authorization").Should().Be("Bearer sk-test-summary-1", "the condenser's own profile and key");
        summaryRequest.BodyText.Should().Contain("note-A1");
        var condensation = conversation.Events.OfType<CondensationEvent>().Should().ContainSingle().Subject;
        condensation.Summary.Should().Be(Summary);
        condensation.SummaryOffset.Should().Be(2);
        condensation.ForgottenEventIds.Should().HaveCount(8);
        var after = kit.Server.Requests.SkipWhile(r => r != summaryRequest).Skip(1).ToList();
        after.Should().NotBeEmpty();
        after.Should().OnlyContain(r => r.Header("Authorization") == "Bearer sk-test-worker-one");
        after[0].BodyText.Should().Contain(Summary).And.NotContain("note-A1", "forgotten events are not sent");
        var state = File.ReadAllText(Path.Combine(conversation.Directory!, "base_state.json"));
        state.Should().Contain("\"condenser_profile\":\"summarizer\"").And.Contain("\"kind\":\"LLMSummarizingCondenser\"")
            .And.Contain("condenser-model").And.NotContain("sk-test-summary-1");

        await using var restored = await kit.Factory().RestoreAsync(conversation.Id);
        restored.Events.OfType<CondensationEvent>().Should().ContainSingle().Which.ForgottenEventIds.Should().Equal(condensation.ForgottenEventIds);
        restored.Agent.Condenser.Should().Be(condenser);
        step = 100;
        await restored.SendMessageAsync("And now?");
        await restored.RunAsync();
        kit.Server.Requests[^1].BodyText.Should().Contain(Summary).And.NotContain("note-A1", "the condensation is in place after a restore");
    }

    [Test]
    public async Task CondenseAsync_ShortHistory_ForcesACondensationWithTheAgentsOwnProfile()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var step = 0;
        kit.Server.Responder = r => r.BodyText.Contains("write the summary", StringComparison.OrdinalIgnoreCase)
            ? FakeReply.Text(Summary)
            : ++step <= 4 ? FakeReply.ToolCall("think", JsonSerializer.Serialize(new { thought = $"note-B{step}" }))
            : FakeReply.ToolCall("finish", """{"message": "done"}""");
        await using var conversation = await kit.Factory().StartAsync(new Agent(kit.Llm()) { Condenser = new LlmSummarizingCondenser() }, kit.Options());
        await conversation.SendMessageAsync("Think.");
        await conversation.RunAsync();

        var condensed = await conversation.CondenseAsync();

        condensed.Should().BeTrue();
        conversation.Events[^2].Should().BeOfType<CondensationRequestEvent>();
        conversation.Events[^1].Should().BeOfType<CondensationEvent>().Which.Summary.Should().Be(Summary);
        kit.Server.Requests[^1].Header("Authorization").Should().Be("Bearer sk-test-conversation-one", "the agent's own profile, resolved");
    }

    [Test]
    public async Task CondenseAsync_NoCondenser_ThrowsWithTheFix()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var conversation = await kit.Factory(persisted: false).StartAsync(new Agent(kit.Llm()), kit.Options());

        var act = () => conversation.CondenseAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no condenser*Agent.Condenser*");
    }

    [Test]
    public async Task StartWithProfileAsync_CondenserProfileMissing_FailsBeforeWriting()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await kit.Store.SaveAsync(ProfileName.Create("worker"), kit.Llm());

        var act = () => kit.Factory().StartWithProfileAsync(
            ProfileReference.Create("worker"), llm => new Agent(llm) { Condenser = new LlmSummarizingCondenser { Profile = ProfileReference.Create("gone") } }, kit.Options());

        await act.Should().ThrowAsync<ProfileNotFoundException>();
        Directory.Exists(kit.Conversations).Should().BeFalse();
    }
}
