using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>End to end on the real server (Kestrel on 127.0.0.1) with the scripted fake LLM.</summary>
[Category("AgentServer")]
public sealed class ConversationsIntegrationTests : ServerTestBase
{
    private const string Key = "sk-test-canary-conv-424242";
    private FakeLlmServer _llm = null!;

    [SetUp]
    public async Task StartLlmAsync() => _llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync() => await _llm.DisposeAsync();

    private Task<HttpResponseMessage> SaveProfileAsync(string name, string model) =>
        Server.PostAsync($"/api/profiles/{name}", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = model, ["api_key"] = Key, ["base_url"] = _llm.BaseUrl + "/v1", ["num_retries"] = 0 },
        }.ToJsonString());

    private async Task<string> StartAsync(string body = "{}")
    {
        var response = await Server.PostAsync("/api/conversations", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["id"]!.GetValue<string>();
    }

    private async Task<JsonNode> WaitForStatusAsync(string id, params string[] statuses)
    {
        for (var i = 0; i < 200; i++)
        {
            var info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();
            if (statuses.Contains(info["execution_status"]!.GetValue<string>()))
            {
                return info;
            }

            await Task.Delay(50);
        }

        throw new AssertionException($"conversation {id} never reached {string.Join("/", statuses)}");
    }

    private Task<HttpResponseMessage> SendAsync(string id, string text, bool run) =>
        Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["run"] = run,
        }.ToJsonString());

    [Test]
    public async Task Start_ActiveProfileNoLlm_RunsAndRecordsEvents()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        await Server.PostAsync("/api/profiles/fast/activate");
        _llm.Enqueue(FakeReply.Text("hello from fake"));

        var id = await StartAsync();
        (await SendAsync(id, "say hi", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
        var info = await WaitForStatusAsync(id, "finished", "idle");

        info["llm_profile"]!.GetValue<string>().Should().Be("fast");
        info["agent"]!["llm"]!["api_key"].Should().BeNull();
        var events = await (await Server.GetAsync($"/api/conversations/{id}/events/search")).JsonAsync();
        events.ToJsonString().Should().Contain("hello from fake").And.Contain("say hi");
        var count = await (await Server.GetAsync($"/api/conversations/{id}/events/count?kind=MessageEvent")).JsonAsync();
        count.GetValue<int>().Should().BeGreaterThanOrEqualTo(2);
        var firstId = events["items"]![0]!["id"]!.GetValue<string>();
        (await Server.GetAsync($"/api/conversations/{id}/events/{firstId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        _llm.Requests.Should().ContainSingle();
    }

    [Test]
    public async Task Start_NoProfileAtAll_Returns422SayingHowToCreateOne()
    {
        var response = await Server.PostAsync("/api/conversations", "{}");

        ((int)response.StatusCode).Should().Be(422);
        (await response.Content.ReadAsStringAsync()).Should().Contain("POST /api/profiles/{name}");
    }

    [Test]
    public async Task Start_UnknownProfile_Returns404NamingIt()
    {
        var response = await Server.PostAsync("/api/conversations", "{\"llm_profile\":\"ghost\"}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("ghost");
    }

    [Test]
    public async Task Start_InlineLlm_MaterializesDefaultProfileWithDeprecation()
    {
        var body = new JsonObject
        {
            ["agent"] = new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm.BaseUrl + "/v1" } },
        }.ToJsonString();

        var response = await Server.PostAsync("/api/conversations", body);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Contains("Deprecation").Should().BeTrue();
        (await response.JsonAsync())["llm_profile"]!.GetValue<string>().Should().Be("Default");
    }

    [Test]
    public async Task SwitchProfile_MidConversation_NextRunUsesNewProfile()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        await SaveProfileAsync("slow", "openai/gpt-4o-mini");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        _llm.Enqueue(FakeReply.Text("one"), FakeReply.Text("two"));
        await SendAsync(id, "first", run: true);
        await WaitForStatusAsync(id, "finished", "idle");

        (await Server.PostAsync($"/api/conversations/{id}/switch_profile", "{\"profile_name\":\"slow\"}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await SendAsync(id, "second", run: true);
        var info = await WaitForStatusAsync(id, "finished", "idle");
        await _llm.WaitForRequestsAsync(2);

        info["llm_profile"]!.GetValue<string>().Should().Be("slow");
        _llm.Requests[1].Model.Should().Be("gpt-4o-mini");
    }

    [Test]
    public async Task Restart_RestoresConversationWithReResolvedProfile()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        await SaveProfileAsync("fast", "openai/gpt-4.1");   // edited while the server is down

        await RestartAsync();
        var info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();

        info["llm_profile"]!.GetValue<string>().Should().Be("fast");
        info["current_model_id"]!.GetValue<string>().Should().Be("openai/gpt-4.1");
        (await (await Server.GetAsync("/api/conversations/count")).JsonAsync()).GetValue<int>().Should().Be(1);
    }

    [Test]
    public async Task Restart_ProfileDeleted_FallsBackThenSwitchProfileMakesItRunnable()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        await SaveProfileAsync("backup", "openai/gpt-4o-mini");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        await Server.DeleteAsync("/api/profiles/fast");

        await RestartAsync();
        var events = await (await Server.GetAsync($"/api/conversations/{id}/events/search")).JsonAsync();
        events.ToJsonString().Should().Contain("fallback");
        (await Server.PostAsync($"/api/conversations/{id}/switch_profile", "{\"profile_name\":\"backup\"}")).StatusCode.Should().Be(HttpStatusCode.OK);
        _llm.Enqueue(FakeReply.Text("back online"));
        await SendAsync(id, "still there?", run: true);
        await WaitForStatusAsync(id, "finished", "idle");

        (await (await Server.GetAsync($"/api/conversations/{id}/events/search")).Content.ReadAsStringAsync()).Should().Contain("back online");
    }

    [Test]
    public async Task Run_WhileRunning_Returns409()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        _llm.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(2), FakeReply.Text("slow")));
        await SendAsync(id, "go", run: true);

        var second = await Server.PostAsync($"/api/conversations/{id}/run");

        second.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await second.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("already running");
        await WaitForStatusAsync(id, "finished", "idle");
    }

    [Test]
    public async Task SearchPatchDelete_Lifecycle()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var a = await StartAsync("{\"llm_profile\":\"fast\"}");
        var b = await StartAsync("{\"llm_profile\":\"fast\"}");

        var page = await (await Server.GetAsync("/api/conversations/search?limit=1")).JsonAsync();
        page["items"]!.AsArray().Should().HaveCount(1);
        page["next_page_id"].Should().NotBeNull();
        (await Server.PatchAsync($"/api/conversations/{a}", "{\"title\":\"T\",\"tags\":{\"k\":\"v\"}}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await Server.GetAsync($"/api/conversations/{a}")).JsonAsync())["title"]!.GetValue<string>().Should().Be("T");
        var batch = await (await Server.GetAsync($"/api/conversations?ids={a}&ids={Guid.NewGuid()}")).JsonAsync();
        batch.AsArray()[1].Should().BeNull();
        (await Server.DeleteAsync($"/api/conversations/{b}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.GetAsync($"/api/conversations/{b}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Canary_KeyAppearsOnlyInProfileStore()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        await Server.PostAsync("/api/profiles/fast/activate");
        _llm.Enqueue(FakeReply.Text("ok"), FakeReply.Text("ok2"));
        var id = await StartAsync();
        await SendAsync(id, "hi", run: true);
        await WaitForStatusAsync(id, "finished", "idle");
        await Server.PatchAsync("/api/settings", "{\"agent_settings_diff\":{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}}");
        await Server.PostAsync($"/api/conversations/{id}/switch_llm", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\",\"base_url\":\"" + _llm.BaseUrl + "/v1\"}}");

        string[] paths = ["/api/profiles", "/api/profiles/fast", "/api/settings", $"/api/conversations/{id}", "/api/conversations/search",
            $"/api/conversations/{id}/events/search", "/server_info"];
        foreach (var path in paths)
        {
            var response = await Server.GetAsync(path);
            (await response.Content.ReadAsStringAsync()).Should().NotContain(Key, path);
            response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value).Should().NotContain(v => v.Contains(Key), path);
        }

        foreach (var (file, text) in Dir.AllFiles())
        {
            if (!file.StartsWith(Path.Combine(Dir.Path, "profiles"), StringComparison.Ordinal))
            {
                text.Should().NotContain(Key, file);
            }
        }
    }
}
