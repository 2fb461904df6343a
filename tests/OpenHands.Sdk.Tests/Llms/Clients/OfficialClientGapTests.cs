using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// Why our request and transport code stays (issue 14, item 1): the official clients, pointed at the same fake provider,
/// send what the Python SDK does not. Each test pins one gap; the Python behaviour itself is pinned by the tests named in
/// each summary, which our client passes. If an official client closes a gap, its test here fails, and the
/// hand-written code it justifies can go.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class OfficialClientGapTests
{
    private static readonly ChatMessage[] History =
    [
        new(ChatRole.User, "List files"),
        new(ChatRole.Assistant, [new FunctionCallContent("call_1", "terminal", new Dictionary<string, object?> { ["command"] = "ls" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", "[exit code 0]")]),
    ];

    /// <summary>The Python SDK names the tool on tool messages (<c>ChatCompletionsClientTests.GetResponseAsync_History_MapsRolesTextToolCallsAndResults</c>).</summary>
    [Test]
    public async Task OpenAiClient_ToolResult_IsSentWithoutTheToolName()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("ok"));

        await OpenAi(server, "gpt-4o").GetResponseAsync(History);

        var tool = server.Requests.Single().Body!.RootElement.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        tool.TryGetProperty("name", out _).Should().BeFalse();
    }

    /// <summary>
    /// DeepSeek, OpenRouter, Ollama and Azure take <c>max_tokens</c>, and OpenAI-compatible servers <c>top_k</c>
    /// (<c>ProviderRoutingTests.GetResponseAsync_DeepSeek_SendsMaxTokensAndNoTopK</c>,
    /// <c>GetResponseAsync_OpenRouter_SendsAttributionHeadersAndMaxTokens</c>).
    /// </summary>
    [Test]
    public async Task OpenAiClient_Limits_AreAlwaysMaxCompletionTokensAndTopKIsDropped()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("ok"));

        await OpenAi(server, "deepseek-chat").GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 100, TopK = 40 });

        var body = server.Requests.Single().Body!.RootElement;
        body.TryGetProperty("max_completion_tokens", out _).Should().BeTrue();
        body.TryGetProperty("max_tokens", out _).Should().BeFalse();
        body.TryGetProperty("top_k", out _).Should().BeFalse();
    }

    /// <summary>
    /// The Python SDK records a tool call's arguments as the provider sent them; so do we, streamed or not
    /// (<c>StreamingTests.GetStreamingResponseAsync_TextToolCallsAndReasoning_AssembleToTheNonStreamedReply</c>).
    /// </summary>
    [Test]
    public async Task OpenAiClient_StreamedToolCall_LosesTheProviderArgumentsString()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.ToolCall("terminal", """{"command":  "ls -la"}""", "call_1"));

        var updates = await OpenAi(server, "gpt-4o").GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync();

        var call = updates.ToChatResponse().Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        call.Arguments!["command"]!.ToString().Should().Be("ls -la");
        call.RawRepresentation.Should().NotBe("""{"command":  "ls -la"}""");
    }

    /// <summary>
    /// The Python SDK counts <c>num_retries</c> as attempts with its own waits and <c>Retry-After</c> as a floor
    /// (<c>RetryTests</c>); the official client retries a 503 on its own schedule unless told not to.
    /// </summary>
    [Test]
    public async Task OpenAiClient_Default_RetriesOnItsOwn()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Error(503, "{}", retryAfter: TimeSpan.Zero), FakeReply.Text("ok"));

        var response = await OpenAi(server, "gpt-4o", retries: true).GetResponseAsync([new(ChatRole.User, "Hi")]);

        response.Text.Should().Be("ok");
        server.Requests.Should().HaveCount(2, "the official pipeline retried without being asked to");
    }

    /// <summary>
    /// The Python SDK marks the first system block and the last user block for prompt caching
    /// (<c>AnthropicClientTests.GetResponseAsync_Anthropic_PostsMessagesWithKeyVersionAndTopLevelSystem</c>).
    /// </summary>
    [Test]
    public async Task AnthropicClient_Request_HasNoPromptCacheMarkers()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("ok"));
        using var anthropic = new AnthropicClient(new Anthropic.Core.ClientOptions { BaseUrl = server.BaseUrl, ApiKey = "sk-test-official-two", MaxRetries = 0 });

        await anthropic.AsIChatClient("claude-sonnet-4-5").GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello")]);

        server.Requests.Single().BodyText.Should().NotContain("cache_control");
    }

    private static IChatClient OpenAi(FakeLlmServer server, string model, bool retries = false)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl + "/v1") };
        if (!retries)
        {
            options.RetryPolicy = new ClientRetryPolicy(0);
        }

        return new OpenAIClient(new ApiKeyCredential("sk-test-official-one"), options).GetChatClient(model).AsIChatClient();
    }
}
