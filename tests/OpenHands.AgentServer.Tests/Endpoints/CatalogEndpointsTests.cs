using System.Net;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>The catalogue a client reads (issue 15, Build 5): providers, models, tools, settings schemas and the server info at <c>/</c>.</summary>
[Category("AgentServer")]
public sealed class CatalogEndpointsTests : ServerTestBase
{
    private const string Key = "sk-test-catalog";

    [Test]
    public async Task Providers_ListsTheBuiltInChatClientsAndTheProfilesProviders()
    {
        await SaveAsync("fast", "openai/gpt-4o");
        await SaveAsync("local", "vllm/qwen3-coder");

        var body = await (await Server.GetAsync("/api/llm/providers")).JsonAsync();

        var providers = body["providers"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        providers.Should().Contain(["openai", "anthropic", "azure", "litellm_proxy", "openrouter", "deepseek", "ollama", "openhands", "vllm"]);
        providers.Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
    }

    [Test]
    public async Task Models_ListsTheProfilesModels_FilteredByProvider()
    {
        await SaveAsync("fast", "openai/gpt-4o");
        await SaveAsync("bare", "gpt-4o-mini");
        await SaveAsync("smart", "anthropic/claude-sonnet-4-5");
        await SaveAsync("again", "openai/gpt-4o");

        var all = await (await Server.GetAsync("/api/llm/models")).JsonAsync();
        var openai = await (await Server.GetAsync("/api/llm/models?provider=openai")).JsonAsync();
        var none = await (await Server.GetAsync("/api/llm/models?provider=nobody")).JsonAsync();

        all["models"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("anthropic/claude-sonnet-4-5", "gpt-4o-mini", "openai/gpt-4o");
        openai["models"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("gpt-4o-mini", "openai/gpt-4o");
        none["models"]!.AsArray().Should().BeEmpty();
    }

    [TestCase("/api/tools/")]
    [TestCase("/api/tools")]
    public async Task Tools_ListsTheRegisteredToolNames(string path)
    {
        var response = await Server.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var tools = (await response.JsonAsync()).AsArray().Select(t => t!.GetValue<string>()).ToList();
        tools.Should().Contain(["terminal", "file_editor"]).And.BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Test]
    public async Task AgentSchema_IsAJsonSchemaOfTheAgentSettingsInSnakeCase()
    {
        var body = await (await Server.GetAsync("/api/settings/agent-schema")).JsonAsync();

        body["model_name"]!.GetValue<string>().Should().Be("AgentSettings");
        var properties = body["schema"]!["properties"]!.AsObject();
        properties.Select(p => p.Key).Should().Contain(["agent_kind", "llm_profile", "tools", "enable_switch_llm_tool", "tool_concurrency_limit"]);
        properties.Select(p => p.Key).Should().NotContain("llm", "settings hold a profile reference, never an LLM");
        properties["tool_concurrency_limit"]!["type"]!.ToJsonString().Should().Contain("integer");
        properties["agent_kind"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("openhands", "acp");
    }

    [Test]
    public async Task ConversationSchema_IsAJsonSchemaOfTheConversationSettings()
    {
        var body = await (await Server.GetAsync("/api/settings/conversation-schema")).JsonAsync();

        body["model_name"]!.GetValue<string>().Should().Be("ConversationSettings");
        body["schema"]!["properties"]!.AsObject().Select(p => p.Key).Should().Contain(["max_iterations", "confirmation_mode", "security_analyzer"]);
    }

    [TestCase("/")]
    [TestCase("/server_info")]
    public async Task Root_AnswersTheServerInfo(string path)
    {
        var body = await (await Server.GetAsync(path)).JsonAsync();

        body["implementation"]!.GetValue<string>().Should().Contain(".NET");
        body["uptime"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0);
    }

    private async Task SaveAsync(string name, string model)
    {
        var response = await Server.PostAsync($"/api/profiles/{name}", $$$"""{"llm":{"model":"{{{model}}}","api_key":"{{{Key}}}"}}""");
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}
