using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Clients.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>Which endpoint, headers and wire model each provider prefix gets.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class ProviderRoutingTests
{
    // Default endpoints are checked on the route only: tests never leave 127.0.0.1.
    [TestCase("openai/gpt-4o", "https://api.openai.com/v1/chat/completions", "gpt-4o", "openai")]
    [TestCase("gpt-4o-mini", "https://api.openai.com/v1/chat/completions", "gpt-4o-mini", "openai")]
    [TestCase("o3-mini", "https://api.openai.com/v1/chat/completions", "o3-mini", "openai")]
    [TestCase("anthropic/claude-sonnet-4-5", "https://api.anthropic.com/v1/messages", "claude-sonnet-4-5", "anthropic")]
    [TestCase("claude-3-5-haiku-latest", "https://api.anthropic.com/v1/messages", "claude-3-5-haiku-latest", "anthropic")]
    [TestCase("openhands/claude-sonnet-4-5-20250929", "https://llm-proxy.app.all-hands.dev/chat/completions", "claude-sonnet-4-5-20250929", "openhands")]
    [TestCase("openrouter/anthropic/claude-3.5-sonnet", "https://openrouter.ai/api/v1/chat/completions", "anthropic/claude-3.5-sonnet", "openrouter")]
    [TestCase("deepseek/deepseek-chat", "https://api.deepseek.com/chat/completions", "deepseek-chat", "deepseek")]
    [TestCase("ollama/llama3.1", "http://localhost:11434/v1/chat/completions", "llama3.1", "ollama")]
    public void Resolve_ProviderPrefixWithoutBaseUrl_UsesProviderDefault(string model, string endpoint, string wireModel, string provider)
    {
        var route = LlmRoute.Resolve(new Llm(model));

        route.Endpoint.AbsoluteUri.Should().Be(endpoint);
        route.WireModel.Should().Be(wireModel);
        route.Provider.Should().Be(provider);
    }

    [Test]
    public void Resolve_OpenAiPlainBaseUrl_IsTheDefault()
    {
        LlmRoute.Resolve(new Llm("openai/gpt-4o") { BaseUrl = "https://api.openai.com" }).Endpoint.AbsoluteUri
            .Should().Be("https://api.openai.com/v1/chat/completions", "the plain OpenAI URL reads as unset, as in the Python SDK");
    }

    [TestCase("gemini/gemini-2.5-pro", "gemini/")]
    [TestCase("bedrock/anthropic.claude-v2", "bedrock/")]
    [TestCase("my-local-model", "no provider prefix")]
    public void CreateClient_UnknownPrefixWithoutBaseUrl_ThrowsSayingWhatToSet(string model, string named)
    {
        using var http = new HttpClient();
        var factory = new LlmChatClientFactory(http);

        var act = () => factory.CreateClient(new Llm(model));

        act.Should().Throw<LlmBadRequestException>()
            .Which.Message.Should().Contain(model).And.Contain(named).And.Contain("Llm.BaseUrl").And.Contain("AddChatClientProvider");
    }

    [TestCase("litellm_proxy/gpt-4o", "LiteLLM proxy")]
    [TestCase("azure/my-deployment", "Azure OpenAI resource")]
    public void CreateClient_ProviderNeedingBaseUrlWithoutOne_ThrowsSayingWhatToSet(string model, string hint)
    {
        using var http = new HttpClient();

        var act = () => new LlmChatClientFactory(http).CreateClient(new Llm(model));

        act.Should().Throw<LlmBadRequestException>().WithMessage($"*{model}*Llm.BaseUrl*{hint}*").Which.Model.Should().Be(model);
    }

    [Test]
    public void CreateClient_BaseUrlNotHttp_ThrowsWithoutEchoingIt()
    {
        using var http = new HttpClient();

        var act = () => new LlmChatClientFactory(http).CreateClient(new Llm("openai/gpt-4o") { BaseUrl = "ftp://user:sk-test-in-url@host" });

        act.Should().Throw<LlmBadRequestException>().Which.Message.Should().Contain("absolute http(s) URL").And.NotContain("sk-test-in-url");
    }

    [Test]
    public async Task GetResponseAsync_LiteLlmProxy_StripsOnlyTheProxyPrefix()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm("litellm_proxy/anthropic/claude-sonnet-4-20250514", baseUrlSuffix: null));

        var request = h.Server.Requests.Single();
        request.Path.Should().Be("/chat/completions");
        request.Model.Should().Be("anthropic/claude-sonnet-4-20250514");
        request.Header("Authorization").Should().Be("Bearer " + LlmClientHarness.Key);
    }

    [Test]
    public async Task GetResponseAsync_OpenRouter_SendsAttributionHeadersAndMaxTokens()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));
        var llm = h.Llm("openrouter/anthropic/claude-3.5-sonnet") with { OpenRouterSiteUrl = "https://example.test/", OpenRouterAppName = "Tests", MaxOutputTokens = 500 };

        await h.AskAsync(llm);

        var request = h.Server.Requests.Single();
        request.Header("HTTP-Referer").Should().Be("https://example.test/");
        request.Header("X-Title").Should().Be("Tests");
        request.Model.Should().Be("anthropic/claude-3.5-sonnet");
        h.Body().GetProperty("max_tokens").GetInt32().Should().Be(500);
    }

    [Test]
    public async Task GetResponseAsync_DeepSeek_SendsMaxTokensAndNoTopK()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm("deepseek/deepseek-chat") with { MaxOutputTokens = 300, TopK = 20 });

        h.Server.Requests.Single().Model.Should().Be("deepseek-chat");
        h.Body().GetProperty("max_tokens").GetInt32().Should().Be(300);
        h.Body().TryGetProperty("top_k", out _).Should().BeFalse();
    }

    [Test]
    public async Task GetResponseAsync_OllamaBaseUrl_WinsOverBaseUrlAndGetsV1Path()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"), FakeReply.Text("ok"));

        await h.AskAsync(new Llm("ollama/llama3.1") { OllamaBaseUrl = h.Server.BaseUrl, BaseUrl = "http://127.0.0.1:9/unused", NumRetries = 1, Timeout = null });
        await h.AskAsync(new Llm("ollama/qwen3") { BaseUrl = h.Server.BaseUrl + "/v1", NumRetries = 1, Timeout = null });

        h.Server.Requests.Select(r => r.Path).Should().Equal("/v1/chat/completions", "/v1/chat/completions");
        h.Server.Requests.Select(r => r.Model).Should().Equal("llama3.1", "qwen3");
        h.Server.Requests[0].Header("Authorization").Should().BeNull("no key, no Authorization header");
    }

    [Test]
    public async Task GetResponseAsync_OpenHandsWithBaseUrl_UsesItAndStripsPrefix()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm("openhands/claude-sonnet-4-5-20250929"));

        h.Server.Requests.Single().Model.Should().Be("claude-sonnet-4-5-20250929");
    }

    [TestCase("meta-llama/Llama-3.1-8B-Instruct")]
    [TestCase("qwen2.5-coder")]
    public async Task GetResponseAsync_OtherModelWithBaseUrl_SendsModelUnchanged(string model)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm(model));

        h.Server.Requests.Single().Model.Should().Be(model);
    }

    [Test]
    public async Task GetResponseAsync_Azure_UsesDeploymentPathApiVersionAndApiKeyHeader()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"), FakeReply.Text("ok"));
        var llm = h.Llm("azure/my-gpt4o", baseUrlSuffix: "/") with { MaxOutputTokens = 100, TopK = 3 };

        var response = await h.AskAsync(llm);
        await h.AskAsync(llm with { ApiVersion = "2025-01-01-preview" });

        var request = h.Server.Requests[0];
        request.Path.Should().Be("/openai/deployments/my-gpt4o/chat/completions");
        request.Query.Should().Be("?api-version=2024-12-01-preview");
        request.Header("api-key").Should().Be(LlmClientHarness.Key);
        request.Header("Authorization").Should().BeNull();
        request.Model.Should().Be("my-gpt4o");
        h.Body().GetProperty("max_tokens").GetInt32().Should().Be(100);
        h.Body().TryGetProperty("top_k", out _).Should().BeFalse();
        h.Server.Requests[1].Query.Should().Be("?api-version=2025-01-01-preview");
        response.Text.Should().Be("ok");
    }

    [Test]
    public async Task GetResponseAsync_AnthropicBaseUrlWithV1_DoesNotDoubleIt()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("ok"));

        await h.AskAsync(h.Llm("anthropic/claude-haiku-4-5", baseUrlSuffix: "/v1"));

        h.Server.Requests.Single().Path.Should().Be("/v1/messages");
    }

    [Test]
    public void CreateClient_Twice_GivesIndependentClientsOverTheSameHttpClient()
    {
        using var http = new HttpClient();
        var factory = new LlmChatClientFactory(http);
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString(LlmClientHarness.Key) };

        using var first = factory.CreateClient(llm);
        using var second = factory.CreateClient(llm with { Model = "anthropic/claude-sonnet-4-5" });

        first.GetService<ChatClientMetadata>()!.ProviderName.Should().Be("openai");
        second.GetService<ChatClientMetadata>()!.ProviderName.Should().Be("anthropic");
    }
}
