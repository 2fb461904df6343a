using System.Net;
using System.Text.Json.Nodes;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>A started server and the scripted fake LLM on loopback, with the requests a conversation test makes.</summary>
public abstract class LlmServerTestBase : ServerTestBase
{
    protected const string Key = "sk-test-control";

    protected FakeLlmServer Llm { get; private set; } = null!;

    [SetUp]
    public async Task StartLlmAsync() => Llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync() => await Llm.DisposeAsync();

    /// <summary>Saves an LLM profile on the fake LLM (Anthropic models on its Messages route, others on chat completions).</summary>
    protected async Task SaveProfileAsync(string name, string model = "openai/gpt-4o", bool stream = false)
    {
        var llm = new JsonObject
        {
            ["model"] = model,
            ["api_key"] = Key,
            ["base_url"] = model.StartsWith("anthropic/", StringComparison.Ordinal) ? Llm.BaseUrl : Llm.BaseUrl + "/v1",
            ["num_retries"] = 0,
        };
        if (stream)
        {
            llm["stream"] = true;
        }

        var response = await Server.PostAsync($"/api/profiles/{name}", new JsonObject { ["llm"] = llm }.ToJsonString());
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    protected async Task<string> StartAsync(JsonObject body)
    {
        var response = await Server.PostAsync("/api/conversations", body.ToJsonString());
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["id"]!.GetValue<string>();
    }

    protected Task<HttpResponseMessage> SendAsync(string id, string text, bool run) =>
        Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["run"] = run,
        }.ToJsonString());

    protected async Task<JsonNode> WaitForStatusAsync(string id, params string[] statuses)
    {
        var last = "(none)";
        for (var i = 0; i < 400; i++)
        {
            var info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();
            last = info["execution_status"]!.GetValue<string>();
            if (statuses.Contains(last))
            {
                return info;
            }

            await Task.Delay(50);
        }

        throw new AssertionException($"conversation {id} never reached {string.Join("/", statuses)}; last status {last}");
    }

    /// <summary>Every persisted event of a conversation, over REST.</summary>
    protected async Task<JsonArray> EventsAsync(string id) =>
        (await (await Server.GetAsync($"/api/conversations/{id}/events/search?limit=100")).JsonAsync())["items"]!.AsArray();

    /// <summary>Every file under the server's persistence folder whose text contains <paramref name="needle"/>.</summary>
    protected List<string> FilesContaining(string needle) =>
        [.. Directory.EnumerateFiles(Server.PersistenceDirectory, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains(needle, StringComparison.Ordinal))];

    protected static JsonObject Terminal() => new() { ["name"] = "terminal" };
}
