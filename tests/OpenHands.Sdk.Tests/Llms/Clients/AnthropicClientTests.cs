using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>The Anthropic Messages API over real HTTP.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class AnthropicClientTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}""").RootElement;

    private static Llm Claude(LlmClientHarness h) => h.Llm("anthropic/claude-sonnet-4-5-20250929", baseUrlSuffix: null);

    [Test]
    public async Task GetResponseAsync_Anthropic_PostsMessagesWithKeyVersionAndTopLevelSystem()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("Hi!"));

        await h.Client(Claude(h)).GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello")]);

        var request = h.Server.Requests.Single();
        request.Path.Should().Be("/v1/messages");
        request.Header("x-api-key").Should().Be(LlmClientHarness.Key);
        request.Header("anthropic-version").Should().Be("2023-06-01");
        request.Header("Authorization").Should().BeNull();
        var body = h.Body();
        body.GetProperty("model").GetString().Should().Be("claude-sonnet-4-5-20250929");
        body.GetProperty("max_tokens").GetInt32().Should().Be(8192);
        body.GetProperty("system").GetRawText().Should().Be("""[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}]""");
        body.GetProperty("messages").GetRawText().Should().Be(
            """[{"role":"user","content":[{"type":"text","text":"Hello","cache_control":{"type":"ephemeral"}}]}]""");
        body.TryGetProperty("reasoning_effort", out _).Should().BeFalse();
    }

    [Test]
    public async Task GetResponseAsync_CachingOffAndLimits_SendsPlainBlocksAndOptions()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"), FakeReply.Text("ok"));
        var llm = Claude(h) with { CachingPrompt = false, MaxOutputTokens = 1234, Temperature = 0.1, TopK = 8 };

        await h.AskAsync(llm);
        await h.AskAsync(llm, options: new ChatOptions { MaxOutputTokens = 99, Temperature = 0.5f, StopSequences = ["END"] });

        var first = h.Body(1);
        first.GetProperty("max_tokens").GetInt32().Should().Be(1234);
        first.GetProperty("temperature").GetDouble().Should().Be(0.1);
        first.GetProperty("top_k").GetRawText().Should().Be("8");
        first.GetProperty("messages")[0].GetProperty("content")[0].TryGetProperty("cache_control", out _).Should().BeFalse();
        var second = h.Body(2);
        second.GetProperty("max_tokens").GetInt32().Should().Be(99);
        second.GetProperty("temperature").GetDouble().Should().Be(0.5);
        second.GetProperty("stop_sequences").GetRawText().Should().Be("""["END"]""");
    }

    [Test]
    public async Task GetResponseAsync_ToolHistory_SendsToolUseAndToolResultBlocks()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("done"));
        List<ChatMessage> history =
        [
            new(ChatRole.User, "List files"),
            new(ChatRole.Assistant, [new TextContent("Listing."), new FunctionCallContent("toolu_1", "terminal", null) { RawRepresentation = """{"command": "ls"}""" }]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "a.txt")]),
            new(ChatRole.User, "Thanks"),
        ];
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("terminal", "Runs a command.", Schema)] };

        await h.Client(Claude(h) with { CachingPrompt = false }).GetResponseAsync(history, options);

        var body = h.Body();
        var tool = body.GetProperty("tools")[0];
        tool.GetProperty("name").GetString().Should().Be("terminal");
        JsonElement.DeepEquals(tool.GetProperty("input_schema"), Schema).Should().BeTrue();
        var messages = body.GetProperty("messages");
        messages.GetArrayLength().Should().Be(3, "the tool result and the next user text merge into one user turn");
        messages[1].GetRawText().Should().Be(
            """{"role":"assistant","content":[{"type":"text","text":"Listing."},{"type":"tool_use","id":"toolu_1","name":"terminal","input":{"command":"ls"}}]}""");
        messages[2].GetRawText().Should().Be(
            """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"},{"type":"text","text":"Thanks"}]}""");
    }

    [Test]
    public async Task GetResponseAsync_ToolUseReply_ReadsCallsWithRawInputAndFinishReason()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.ToolCall("terminal", """{"command": "pwd"}""", "toolu_9").WithText("Checking.").WithUsage(500, 40, cachedTokens: 300));

        var response = await h.AskAsync(Claude(h));

        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        response.ResponseId.Should().StartWith("msg_fake_");
        response.ModelId.Should().Be("claude-sonnet-4-5-20250929");
        response.Text.Should().Be("Checking.");
        var call = response.Messages.Single().Contents.OfType<FunctionCallContent>().Single();
        call.CallId.Should().Be("toolu_9");
        call.RawRepresentation.Should().Be("""{"command":"pwd"}""");
        ((JsonElement)call.Arguments!["command"]!).GetString().Should().Be("pwd");
        response.Usage!.InputTokenCount.Should().Be(500, "input includes cache reads, as OpenAI's prompt_tokens does");
        response.Usage.CachedInputTokenCount.Should().Be(300);
        response.Usage.OutputTokenCount.Should().Be(40);
    }

    [Test]
    public async Task GetResponseAsync_ThinkingReply_IsReasoningWithSignatureAndGoesBackSigned()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.ToolCall("terminal", """{"command":"ls"}""", "toolu_1").WithReasoning("I should list."), FakeReply.Text("ok"));
        var client = h.Client(Claude(h) with { CachingPrompt = false });

        var first = await client.GetResponseAsync([new(ChatRole.User, "go")]);
        var reasoning = first.Messages.Single().Contents.OfType<TextReasoningContent>().Single();
        await client.GetResponseAsync([new(ChatRole.User, "go"), .. first.Messages, new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "x")])]);

        reasoning.Text.Should().Be("I should list.");
        reasoning.ProtectedData.Should().StartWith("sig-fake-");
        var assistant = h.Body(2).GetProperty("messages")[1].GetProperty("content");
        assistant[0].GetProperty("type").GetString().Should().Be("thinking");
        assistant[0].GetProperty("signature").GetString().Should().Be(reasoning.ProtectedData);
        assistant[1].GetProperty("type").GetString().Should().Be("tool_use");
    }

    [Test]
    public async Task GetResponseAsync_AnthropicError_ExtractsMessageAndMapsStatus()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"""));

        var act = () => h.AskAsync(Claude(h));

        var ex = (await act.Should().ThrowAsync<LlmAuthenticationException>()).Which;
        ex.Message.Should().Contain("anthropic answered HTTP 401").And.Contain("invalid x-api-key");
        ex.StatusCode.Should().Be(401);
    }

    [Test]
    public async Task GetResponseAsync_PromptTooLong_IsContextWindowExceeded()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 213000 tokens > 200000 maximum"}}"""));

        var act = () => h.AskAsync(Claude(h) with { NumRetries = 3 });

        await act.Should().ThrowAsync<LlmContextWindowExceededException>();
        h.Server.Requests.Should().ContainSingle();
    }

    [Test]
    public async Task GetResponseAsync_EmptyContent_IsRetriedThenNoResponse()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Empty(), FakeReply.Empty());

        var act = () => h.AskAsync(Claude(h) with { NumRetries = 2 });

        await act.Should().ThrowAsync<LlmNoResponseException>();
        h.Server.Requests.Should().HaveCount(2);
    }
}
