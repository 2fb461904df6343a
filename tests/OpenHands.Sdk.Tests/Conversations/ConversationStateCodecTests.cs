using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary><c>base_state.json</c> through the source-generated contract: unknown fields kept, no secret written, bad input typed.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Codec")]
public sealed class ConversationStateCodecTests
{
    private static ConversationState State() => new()
    {
        Id = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        ExecutionStatus = ConversationExecutionStatus.Paused,
        LlmProfile = ProfileReference.Create("fast"),
        LlmSnapshot = new Llm("openai/gpt-4o") { Temperature = 0.5, UsageId = "agent" },
        Tools = [new ToolSpec("terminal", ImmutableDictionary<string, JsonElement>.Empty.Add("timeout", Json("30")))],
        WorkingDirectory = "/work",
        MaxIterations = 42,
        Metrics = ImmutableDictionary<string, LlmUsageMetrics>.Empty.Add("agent", new LlmUsageMetrics("gpt-4o", 0.25, 10, 20, 3, 4, 30, 2)),
        AgentProperties = ImmutableDictionary<string, JsonElement>.Empty.Add("condenser", Json("""{"max_size":80,"kind":"LLMSummarizingCondenser"}""")),
        AgentState = ImmutableDictionary<string, JsonElement>.Empty.Add("python_field", Json("[1]")),
        AdditionalProperties = ImmutableDictionary<string, JsonElement>.Empty.Add("future_root", Json("""{"a":null}""")),
    };

    [Test]
    public void Write_ThenRead_KeepsEveryModeledAndUnknownField()
    {
        var bytes = ConversationStateCodec.Write(State(), "/persist");

        var back = ConversationStateCodec.Read(bytes);

        back.Id.Should().Be(State().Id);
        back.ExecutionStatus.Should().Be(ConversationExecutionStatus.Paused);
        back.LlmProfile!.Name.Value.Should().Be("fast");
        back.LlmSnapshot.Should().Be(State().LlmSnapshot);
        back.LlmSnapshot.UsageId.Should().Be("agent");
        back.Tools.Should().ContainSingle().Which.Name.Should().Be("terminal");
        back.MaxIterations.Should().Be(42);
        back.Metrics["agent"].Should().Be(State().Metrics["agent"]);
        back.AgentProperties.Keys.Should().Equal("condenser");
        back.AgentState.Keys.Should().Equal("python_field");
        back.AdditionalProperties.Keys.Should().Equal("future_root");
        ConversationStateCodec.Write(back, "/persist").Should().Equal(bytes);
    }

    [Test]
    public void Write_AgentAndWorkspace_HaveThePythonShapeWithKindLast()
    {
        using var document = JsonDocument.Parse(ConversationStateCodec.Write(State(), null));
        var root = document.RootElement;

        root.EnumerateObject().Select(p => p.Name).Should().Equal(
            "id", "agent", "workspace", "max_iterations", "stuck_detection", "execution_status", "confirmation_policy", "stats", "secret_registry", "agent_state", "future_root");
        root.GetProperty("agent").EnumerateObject().Select(p => p.Name).Should().Equal("llm", "tools", "condenser", "kind");
        root.GetProperty("agent").GetProperty("kind").GetString().Should().Be("Agent");
        root.GetProperty("workspace").GetProperty("kind").GetString().Should().Be("LocalWorkspace");
        root.GetProperty("agent_state").EnumerateObject().Select(p => p.Name).Should().Equal("llm_profile", "python_field");
        root.GetProperty("execution_status").GetString().Should().Be("paused");
    }

    [Test]
    public void Write_SnapshotWithSecrets_WritesNoSecretField()
    {
        var state = State() with { LlmSnapshot = new Llm("m") { ApiKey = new SecretString("sk-test-state-one"), AwsSessionToken = new SecretString("sk-test-state-two") } };

        var text = Encoding.UTF8.GetString(ConversationStateCodec.Write(state, null));

        text.Should().NotContain("sk-test-state").And.NotContain("**********");
        using var document = JsonDocument.Parse(text);
        foreach (var field in SecretFields.LlmFieldNames)
        {
            document.RootElement.GetProperty("agent").GetProperty("llm").TryGetProperty(field, out _).Should().BeFalse(field);
        }
    }

    [Test]
    public void Read_PythonFixture_RoundTripsItsUnknownFields()
    {
        var path = Fixtures.RequireShared("conversations", "v1_11_5_cli_default", "base_state.json");
        using var before = JsonDocument.Parse(File.ReadAllBytes(path));

        var state = ConversationStateCodec.Read(File.ReadAllBytes(path));
        using var after = JsonDocument.Parse(ConversationStateCodec.Write(state, null));

        foreach (var key in new[] { "mcp_config", "include_default_tools", "system_prompt_kwargs", "condenser" })
        {
            JsonElement.DeepEquals(before.RootElement.GetProperty("agent").GetProperty(key), after.RootElement.GetProperty("agent").GetProperty(key))
                .Should().BeTrue($"agent.{key} must survive a load and save");
        }
    }

    [TestCase("""{"agent":{"llm":{"model":"m"}}}""", "'id'")]
    [TestCase("""{"id":"11111111-2222-3333-4444-555555555555"}""", "'agent'")]
    [TestCase("""{"id":"11111111-2222-3333-4444-555555555555","agent":{}}""", "'agent.llm'")]
    [TestCase("""{"id":"11111111-2222-3333-4444-555555555555","agent":{"llm":{"model":"m","temperature":"hot"}}}""", "agent.llm.temperature")]
    [TestCase("""{"id":"11111111-2222-3333-4444-555555555555","agent":{"llm":{"model":"m"},"tools":[{}]}}""", "agent.tools")]
    [TestCase("""{"id":"11111111-2222-3333-4444-555555555555","agent":{"llm":{"model":"m"}},"max_iterations":"many"}""", "max_iterations")]
    [TestCase("""{"id":""", "not valid JSON")]
    public void Read_BadState_ThrowsLlmFormatExceptionNamingTheField(string json, string expected)
    {
        var act = () => ConversationStateCodec.Read(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<LlmFormatException>().Which.Message.Should().Contain(expected);
    }

    [Test]
    public void Read_UnknownStatus_IsIdle()
    {
        var state = ConversationStateCodec.Read("""{"id":"11111111-2222-3333-4444-555555555555","agent":{"llm":{"model":"m"}},"execution_status":"thinking"}"""u8);

        state.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
        ConversationStateCodec.TryParseStatus("waiting_for_confirmation").Should().Be(ConversationExecutionStatus.WaitingForConfirmation);
        ConversationStateCodec.TryParseStatus("thinking").Should().BeNull();
        ConversationStateCodec.StatusName(ConversationExecutionStatus.WaitingForConfirmation).Should().Be("waiting_for_confirmation");
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
