using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>OpenAI Chat Completions over real HTTP: the request each call sends and how replies are read.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class ChatCompletionsClientTests
{
    private static readonly JsonElement TerminalSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"command":{"type":"string","description":"The command."},"timeout":{"type":"number"}},"required":["command"]}
        """).RootElement;

    [Test]
    public async Task GetResponseAsync_OpenAiModel_PostsToChatCompletionsWithBearerKeyAndModelWithoutPrefix()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("hi"));

        await h.AskAsync(h.Llm("openai/gpt-4o"));

        var request = h.Server.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1/chat/completions");
        request.Header("Authorization").Should().Be("Bearer " + LlmClientHarness.Key);
        request.Header("Content-Type").Should().StartWith("application/json");
        request.Model.Should().Be("gpt-4o");
        h.Body().GetProperty("messages").GetRawText().Should().Be("""[{"role":"user","content":"Hello"}]""");
    }

    [Test]
    public async Task GetResponseAsync_BaseUrlWithoutV1_PostsToChatCompletionsUnderIt()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("hi"));

        await h.AskAsync(h.Llm("openai/gpt-4o", baseUrlSuffix: "/"));

        h.Server.Requests.Single().Path.Should().Be("/chat/completions");
    }

    [Test]
    public async Task GetResponseAsync_History_MapsRolesTextToolCallsAndResults()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("done"));
        const string rawArguments = """{"command": "echo hi > hello.txt",  "security_risk": "LOW"}""";
        var call = new FunctionCallContent("call_1", "terminal", new Dictionary<string, object?> { ["command"] = "ignored" })
        {
            RawRepresentation = rawArguments,
        };
        List<ChatMessage> history =
        [
            new(ChatRole.System, "You are a helpful agent."),
            new(ChatRole.User, "Create hello.txt"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "[exit code 0]")]),
            new(ChatRole.Assistant, [new TextContent("Created it."), new FunctionCallContent("call_2", "finish", new Dictionary<string, object?> { ["message"] = "ok" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_2", "ok")]),
        ];

        await h.Client(h.Llm()).GetResponseAsync(history);

        var messages = h.Body().GetProperty("messages");
        messages.GetArrayLength().Should().Be(6);
        messages[0].GetRawText().Should().Be("""{"role":"system","content":"You are a helpful agent."}""");
        messages[1].GetRawText().Should().Be("""{"role":"user","content":"Create hello.txt"}""");
        messages[2].TryGetProperty("content", out _).Should().BeFalse("an assistant message with only tool calls has no content");
        var toolCall = messages[2].GetProperty("tool_calls")[0];
        toolCall.GetProperty("id").GetString().Should().Be("call_1");
        toolCall.GetProperty("type").GetString().Should().Be("function");
        toolCall.GetProperty("function").GetProperty("name").GetString().Should().Be("terminal");
        toolCall.GetProperty("function").GetProperty("arguments").GetString().Should().Be(rawArguments, "the raw arguments string goes back verbatim");
        messages[3].GetRawText().Should().Be("""{"role":"tool","tool_call_id":"call_1","name":"terminal","content":"[exit code 0]"}""");
        messages[4].GetProperty("content").GetString().Should().Be("Created it.");
        messages[4].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString().Should().Be("""{"message":"ok"}""");
        messages[5].GetProperty("name").GetString().Should().Be("finish");
    }

    [Test]
    public async Task GetResponseAsync_SeveralTextParts_SendsPartsUnlessStringsAreForced()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("a"), FakeReply.Text("b"));
        ChatMessage system = new(ChatRole.System, [new TextContent("static prompt"), new TextContent("dynamic context")]);

        await h.Client(h.Llm()).GetResponseAsync([system, new(ChatRole.User, "go")]);
        await h.Client(h.Llm() with { ForceStringSerializer = true }).GetResponseAsync([system, new(ChatRole.User, "go")]);

        h.Body(1).GetProperty("messages")[0].GetProperty("content").GetRawText()
            .Should().Be("""[{"type":"text","text":"static prompt"},{"type":"text","text":"dynamic context"}]""");
        h.Body(2).GetProperty("messages")[0].GetProperty("content").GetString().Should().Be("static prompt\ndynamic context");
    }

    [Test]
    public async Task GetResponseAsync_ImageContent_SendsImageUrlPart()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("a cat"));
        ChatMessage user = new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        await h.Client(h.Llm()).GetResponseAsync([user]);

        var parts = h.Body().GetProperty("messages")[0].GetProperty("content");
        parts[1].GetProperty("type").GetString().Should().Be("image_url");
        parts[1].GetProperty("image_url").GetProperty("url").GetString().Should().Be("data:image/png;base64,AQID");
    }

    [Test]
    public async Task GetResponseAsync_Tools_SendsFunctionDefinitionsWithTheirSchemas()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("terminal", "Runs a command.", TerminalSchema)] };

        await h.AskAsync(h.Llm(), options: options);

        h.Body().GetProperty("tools").GetArrayLength().Should().Be(1);
        var tool = h.Body().GetProperty("tools")[0];
        tool.GetProperty("type").GetString().Should().Be("function");
        tool.GetProperty("function").GetProperty("name").GetString().Should().Be("terminal");
        tool.GetProperty("function").GetProperty("description").GetString().Should().Be("Runs a command.");
        JsonElement.DeepEquals(tool.GetProperty("function").GetProperty("parameters"), TerminalSchema).Should().BeTrue();
        h.Body().TryGetProperty("tool_choice", out _).Should().BeFalse("no tool_choice is set unless ChatOptions.ToolMode asks for one");
    }

    [Test]
    public async Task GetResponseAsync_NoTools_OmitsToolsAndUnsetParameters()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm());

        h.Body().EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("model", "messages");
    }

    [Test]
    public async Task GetResponseAsync_LlmValues_AreSentWhenOptionsDoNotSetThem()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));
        var llm = h.Llm() with { Temperature = 0.2, TopP = 0.9, TopK = 40, MaxOutputTokens = 1000, Seed = 7 };

        await h.AskAsync(llm);

        var body = h.Body();
        body.GetProperty("temperature").GetDouble().Should().Be(0.2);
        body.GetProperty("top_p").GetDouble().Should().Be(0.9);
        body.GetProperty("max_completion_tokens").GetInt32().Should().Be(1000);
        body.GetProperty("seed").GetInt32().Should().Be(7);
        body.TryGetProperty("top_k", out _).Should().BeFalse("OpenAI does not take top_k");
    }

    [Test]
    public async Task GetResponseAsync_ChatOptions_OverrideLlmValues()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));
        var llm = h.Llm("litellm_proxy/gpt-4o-mini") with { Temperature = 0.2, TopP = 0.9, TopK = 40, MaxOutputTokens = 1000, Seed = 7 };
        var options = new ChatOptions { Temperature = 0.7f, TopP = 0.5f, TopK = 5, MaxOutputTokens = 200, Seed = 11, StopSequences = ["</done>"] };

        await h.AskAsync(llm, options: options);

        var body = h.Body();
        body.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        body.GetProperty("temperature").GetRawText().Should().Be("0.7");
        body.GetProperty("top_p").GetRawText().Should().Be("0.5");
        body.GetProperty("top_k").GetRawText().Should().Be("5");
        body.GetProperty("max_completion_tokens").GetInt32().Should().Be(200);
        body.GetProperty("seed").GetInt64().Should().Be(11);
        body.GetProperty("stop").GetRawText().Should().Be("""["</done>"]""");
    }

    [TestCase("openai/o3", "high", true)]
    [TestCase("openai/gpt-5-mini", "low", true)]
    [TestCase("litellm_proxy/openai/gpt-5.1", "medium", true)]
    [TestCase("openai/gpt-4o", "high", false)]
    public async Task GetResponseAsync_ReasoningEffort_SentOnlyToReasoningModelsWithoutSampling(string model, string effort, bool sent)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm(model) with { ReasoningEffort = effort, Temperature = 0.3 });

        var body = h.Body();
        if (sent)
        {
            body.GetProperty("reasoning_effort").GetString().Should().Be(effort);
            body.TryGetProperty("temperature", out _).Should().BeFalse("reasoning models take no sampling parameters");
        }
        else
        {
            body.TryGetProperty("reasoning_effort", out _).Should().BeFalse();
            body.GetProperty("temperature").GetDouble().Should().Be(0.3);
        }
    }

    [Test]
    public async Task GetResponseAsync_ReasoningOption_OverridesLlmEffort()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm("openai/o4-mini"), options: new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } });

        h.Body().GetProperty("reasoning_effort").GetString().Should().Be("low");
    }

    [Test]
    public async Task GetResponseAsync_ExtraHeadersAndExtraBody_AreSentAndExtraBodyWins()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));
        var llm = h.Llm() with
        {
            ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("X-Team", "core").Add("anthropic-beta", "prompt-caching"),
            LitellmExtraBody = ImmutableDictionary<string, JsonElement>.Empty
                .Add("metadata", JsonDocument.Parse("""{"tags":["agent:Agent"]}""").RootElement)
                .Add("model", JsonDocument.Parse("\"routed-model\"").RootElement),
        };

        await h.AskAsync(llm);

        var request = h.Server.Requests.Single();
        request.Header("X-Team").Should().Be("core");
        request.Header("anthropic-beta").Should().Be("prompt-caching");
        h.Body().GetProperty("metadata").GetRawText().Should().Be("""{"tags":["agent:Agent"]}""");
        h.Body().GetProperty("model").GetString().Should().Be("routed-model");
    }

    [Test]
    public async Task GetResponseAsync_ExtraHeadersOverridingDefaults_WinAndInvalidNamesAreReported()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));
        var overriding = h.Llm() with
        {
            ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("Authorization", "Bearer sk-test-override-zero").Add("Content-Type", "application/json; charset=utf-8"),
        };
        var invalid = h.Llm() with { ExtraHeaders = ImmutableDictionary<string, string>.Empty.Add("Bad Header", "x") };

        await h.AskAsync(overriding);
        var act = () => h.AskAsync(invalid);

        h.Server.Requests.Single().Header("Authorization").Should().Be("Bearer sk-test-override-zero");
        h.Server.Requests.Single().Header("Content-Type").Should().Be("application/json; charset=utf-8");
        (await act.Should().ThrowAsync<LlmBadRequestException>()).Which.Message.Should().Contain("'Bad Header'");
        h.Server.Requests.Should().ContainSingle("nothing is sent with an invalid header");
    }

    [Test]
    public async Task GetResponseAsync_SessionIdOption_SendsLiteLlmSessionHeader()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"), FakeReply.Text("ok"));
        var options = new ChatOptions { AdditionalProperties = new() { [LlmChatProperties.SessionId] = "6b0f2c1e-conversation" } };

        await h.AskAsync(h.Llm(), options: options);
        await h.AskAsync(h.Llm());

        h.Server.Requests[0].Header("x-litellm-session-id").Should().Be("6b0f2c1e-conversation");
        h.Server.Requests[1].Header("x-litellm-session-id").Should().BeNull();
    }

    [Test]
    public async Task GetResponseAsync_TextReply_ReadsTextIdModelFinishReasonAndUsage()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("Hello there").WithUsage(120, 30, cachedTokens: 100, reasoningTokens: 12));

        var response = await h.AskAsync(h.Llm());

        response.Text.Should().Be("Hello there");
        response.ResponseId.Should().StartWith("chatcmpl-fake-");
        response.ModelId.Should().Be("gpt-4o");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Messages.Single().Role.Should().Be(ChatRole.Assistant);
        response.Usage!.InputTokenCount.Should().Be(120);
        response.Usage.OutputTokenCount.Should().Be(30);
        response.Usage.TotalTokenCount.Should().Be(150);
        response.Usage.CachedInputTokenCount.Should().Be(100);
        response.Usage.ReasoningTokenCount.Should().Be(12);
        response.Usage.AdditionalCounts![LlmChatProperties.ReasoningTokens].Should().Be(12);
        response.AdditionalProperties![LlmChatProperties.Latency].Should().BeOfType<double>();
    }

    [Test]
    public async Task GetResponseAsync_ToolCallReply_KeepsRawArgumentsString()
    {
        await using var h = await LlmClientHarness.StartAsync();
        const string raw = """{"command":  "ls -la",   "timeout": 10}""";
        h.Server.Enqueue(FakeReply.ToolCall("terminal", raw, "call_abc").WithText("Listing files."));

        var response = await h.AskAsync(h.Llm());

        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        response.Text.Should().Be("Listing files.");
        var call = response.Messages.Single().Contents.OfType<FunctionCallContent>().Single();
        call.CallId.Should().Be("call_abc");
        call.Name.Should().Be("terminal");
        call.RawRepresentation.Should().Be(raw);
        call.Exception.Should().BeNull();
        ((JsonElement)call.Arguments!["command"]!).GetString().Should().Be("ls -la");
        ((JsonElement)call.Arguments["timeout"]!).GetInt32().Should().Be(10);
    }

    [Test]
    public async Task GetResponseAsync_SeveralToolCalls_ReturnsAllInOrder()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.ToolCalls(new FakeToolCall("think", """{"thought":"plan"}"""), new FakeToolCall("finish", """{"message":"done"}""")));

        var response = await h.AskAsync(h.Llm());

        var calls = response.Messages.Single().Contents.OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.Name).Should().Equal("think", "finish");
        calls.Select(c => c.CallId).Should().OnlyHaveUniqueItems().And.AllSatisfy(id => id.Should().StartWith("call_"));
    }

    [Test]
    public async Task GetResponseAsync_ArgumentsNotJson_KeepsRawStringAndReportsParseError()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.ToolCall("terminal", "{\"command\": \"ls"));

        var response = await h.AskAsync(h.Llm());

        var call = response.Messages.Single().Contents.OfType<FunctionCallContent>().Single();
        call.RawRepresentation.Should().Be("{\"command\": \"ls");
        call.Exception.Should().NotBeNull("the agent reports unparsable arguments to the model");
    }

    [Test]
    public async Task GetResponseAsync_ReasoningContent_BecomesTextReasoningContentBeforeText()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("42").WithReasoning("Let me think."));

        var response = await h.AskAsync(h.Llm("deepseek/deepseek-reasoner"));

        response.Messages.Single().Contents.Select(c => c.GetType()).Should().Equal(typeof(TextReasoningContent), typeof(TextContent));
        response.Messages.Single().Contents.OfType<TextReasoningContent>().Single().Text.Should().Be("Let me think.");
        response.Text.Should().Be("42");
    }

    [Test]
    public async Task GetResponseAsync_CostHeader_SetsCost()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok").WithHeader("x-litellm-response-cost", "0.016626"));

        var response = await h.AskAsync(h.Llm() with { InputCostPerToken = 1, OutputCostPerToken = 1 });

        response.AdditionalProperties![LlmChatProperties.Cost].Should().Be(0.016626, "the proxy's cost wins over configured prices");
    }

    [Test]
    public async Task GetResponseAsync_PerTokenPrices_ComputeCost()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok").WithUsage(1000, 200), FakeReply.Text("ok"));

        var priced = await h.AskAsync(h.Llm() with { InputCostPerToken = 0.000003, OutputCostPerToken = 0.000015 });
        var unpriced = await h.AskAsync(h.Llm());

        ((double)priced.AdditionalProperties![LlmChatProperties.Cost]!).Should().BeApproximately(0.006, 1e-12);
        unpriced.AdditionalProperties!.ContainsKey(LlmChatProperties.Cost).Should().BeFalse();
    }

    [Test]
    public async Task GetStreamingResponseAsync_ToolCallWithText_AssemblesTextAndTheRawArguments()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.ToolCall("finish", """{"message":"bye"}""").WithText("Finishing."));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in h.Client(h.Llm()).GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "bye")]))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        response.Text.Should().Be("Finishing.");
        response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single().RawRepresentation.Should().Be("""{"message":"bye"}""");
        h.Server.Requests.Should().ContainSingle();
    }

    [Test]
    public async Task GetService_ChatClientMetadata_DescribesProviderAndModel()
    {
        await using var h = await LlmClientHarness.StartAsync();
        using var client = h.Client(h.Llm("openai/gpt-4o-mini"));

        var metadata = client.GetService<ChatClientMetadata>();

        metadata!.ProviderName.Should().Be("openai");
        metadata.DefaultModelId.Should().Be("gpt-4o-mini");
        metadata.ProviderUri!.AbsolutePath.Should().Be("/v1/chat/completions");
    }
}
