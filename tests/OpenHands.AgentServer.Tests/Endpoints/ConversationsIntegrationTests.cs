using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>End to end on the real server (Kestrel on 127.0.0.1) with the scripted fake LLM.</summary>
[Category("AgentServer")]
public sealed class ConversationsIntegrationTests : ServerTestBase
{
    private const string Key = "sk-test-canary-conv";
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
    public async Task Start_ByNameAndByActiveProfile_KeepTheReferenceAndWriteNoProfile()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        await SaveProfileAsync("slow", "openai/gpt-4o-mini");
        await Server.PostAsync("/api/profiles/slow/activate");
        var profiles = Path.Combine(Dir.Path, "profiles");
        var before = Directory.GetFiles(profiles).ToDictionary(f => f, f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)));

        var byName = await StartAsync("{\"llm_profile\":\"fast\"}");
        var byActive = await StartAsync();
        _llm.Enqueue(FakeReply.Text("from fast"));
        await SendAsync(byName, "hi", run: true);
        await WaitForStatusAsync(byName, "finished", "idle");

        (await (await Server.GetAsync($"/api/conversations/{byName}")).JsonAsync())["llm_profile"]!.GetValue<string>().Should().Be("fast");
        (await (await Server.GetAsync($"/api/conversations/{byActive}")).JsonAsync())["llm_profile"]!.GetValue<string>().Should().Be("slow");
        Directory.GetFiles(profiles).Should().BeEquivalentTo(before.Keys);
        foreach (var (file, (bytes, written)) in before)
        {
            File.ReadAllBytes(file).Should().Equal(bytes, "{0} is not rewritten by a start", file);
            File.GetLastWriteTimeUtc(file).Should().Be(written, "{0} is not rewritten by a start", file);
        }
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

        using (var socket = new System.Net.WebSockets.ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(Server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + $"/sockets/events/{id}?resend_mode=all"), CancellationToken.None);
            var eventCount = (await (await Server.GetAsync($"/api/conversations/{id}/events/count")).JsonAsync()).GetValue<int>();
            var buffer = new byte[256 * 1024];
            for (var frame = 0; frame <= eventCount; frame++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var received = await socket.ReceiveAsync(buffer, timeout.Token);
                received.EndOfMessage.Should().BeTrue();
                System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count).Should().NotContain(Key, $"websocket frame {frame}");
            }
        }

        foreach (var (file, text) in Dir.AllFiles())
        {
            if (!file.StartsWith(Path.Combine(Dir.Path, "profiles"), StringComparison.Ordinal))
            {
                text.Should().NotContain(Key, file);
            }
        }
    }

    [Test]
    public async Task Patch_TitleAndTags_SurviveRestart()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var a = await StartAsync("{\"llm_profile\":\"fast\"}");
        var b = await StartAsync("{\"llm_profile\":\"fast\"}");
        var before = await (await Server.GetAsync($"/api/conversations/{a}")).JsonAsync();
        await Task.Delay(20);

        (await Server.PatchAsync($"/api/conversations/{a}", "{\"title\":\"Refactor\",\"tags\":{\"team\":\"core\",\"env\":\"dev\"}}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.PatchAsync($"/api/conversations/{a}", "{\"title\":\"Refactor parser\"}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await RestartAsync();
        var after = await (await Server.GetAsync($"/api/conversations/{a}")).JsonAsync();

        after["title"]!.GetValue<string>().Should().Be("Refactor parser");
        after["tags"]!.ToJsonString().Should().Be("{\"env\":\"dev\",\"team\":\"core\"}", "a title-only PATCH keeps the tags");
        after["created_at"]!.GetValue<string>().Should().Be(before["created_at"]!.GetValue<string>());
        DateTimeOffset.Parse(after["updated_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeAfter(DateTimeOffset.Parse(before["updated_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var byUpdate = await (await Server.GetAsync("/api/conversations/search?sort_order=UPDATED_AT_DESC")).JsonAsync();
        byUpdate["items"]![0]!["id"]!.GetValue<string>().Should().Be(a);
        var byCreation = await (await Server.GetAsync("/api/conversations/search?sort_order=CREATED_AT_DESC")).JsonAsync();
        byCreation["items"]![0]!["id"]!.GetValue<string>().Should().Be(b);
    }

    [Test]
    public async Task Patch_InvalidBody_Returns422AndChangesNothing()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        await Server.PatchAsync($"/api/conversations/{id}", "{\"title\":\"Keep\"}");
        var meta = await File.ReadAllTextAsync(Path.Combine(Dir.Path, "conversations", Guid.Parse(id).ToString("N"), "meta.json"));

        var response = await Server.PatchAsync($"/api/conversations/{id}", "{\"title\":\"New\",\"tags\":{\"k\":1}}");

        ((int)response.StatusCode).Should().Be(422);
        (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["title"]!.GetValue<string>().Should().Be("Keep");
        (await File.ReadAllTextAsync(Path.Combine(Dir.Path, "conversations", Guid.Parse(id).ToString("N"), "meta.json"))).Should().Be(meta);
    }

    [Test]
    public async Task Restart_CorruptMetaJson_RestoresWithoutTitle()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        await Server.PatchAsync($"/api/conversations/{id}", "{\"title\":\"Lost\"}");
        await File.WriteAllTextAsync(Path.Combine(Dir.Path, "conversations", Guid.Parse(id).ToString("N"), "meta.json"), "{ torn");

        await RestartAsync();
        var response = await Server.GetAsync($"/api/conversations/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync())["title"].Should().BeNull();
    }

    [Test]
    public async Task EventsSearch_BodyAndTimestampFilters_SelectEvents()
    {
        await SaveProfileAsync("fast", "openai/gpt-4o");
        var id = await StartAsync("{\"llm_profile\":\"fast\"}");
        _llm.Enqueue(FakeReply.Text("Alpha reply"), FakeReply.Text("Beta reply"));
        await SendAsync(id, "alpha question", run: true);
        await WaitForStatusAsync(id, "finished", "idle");
        await Task.Delay(20);
        var cut = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await SendAsync(id, "beta question", run: true);
        await WaitForStatusAsync(id, "finished", "idle");
        await _llm.WaitForRequestsAsync(2);

        var alpha = await (await Server.GetAsync($"/api/conversations/{id}/events/search?body=ALPHA")).JsonAsync();
        var late = await (await Server.GetAsync($"/api/conversations/{id}/events/search?kind=MessageEvent&timestamp__gte={Uri.EscapeDataString(cut.ToString("O"))}")).JsonAsync();
        var early = await (await Server.GetAsync($"/api/conversations/{id}/events/count?kind=MessageEvent&timestamp__lt={Uri.EscapeDataString(cut.ToString("O"))}")).JsonAsync();
        var bad = await Server.GetAsync($"/api/conversations/{id}/events/search?timestamp__gte=soon");

        alpha["items"]!.AsArray().Select(e => e!.ToJsonString()).Should().HaveCount(2).And.OnlyContain(e => e.Contains("lpha"));
        late["items"]!.AsArray().Select(e => e!.ToJsonString()).Should().HaveCount(2).And.OnlyContain(e => e.Contains("eta"));
        early.GetValue<int>().Should().Be(2);
        ((int)bad.StatusCode).Should().Be(422);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("timestamp__gte");
    }
}

/// <summary>The request shapes of the reference's clients keep working on the typed endpoints (unknown fields are ignored).</summary>
[Category("AgentServer")]
public sealed class ReferenceClientShapesTests : ServerTestBase
{
    [Test]
    public async Task Start_PythonRemoteConversationBody_Returns201AndKeepsTheKeyOutOfTheConversation()
    {
        const string body = """
            {"agent":{"kind":"Agent","llm":{"model":"openai/gpt-4o","api_key":"sk-test-python-shape","base_url":"http://127.0.0.1:9/v1",
              "api_version":null,"aws_access_key_id":null,"temperature":0.0,"top_p":1.0,"top_k":null,"max_input_tokens":null,"max_output_tokens":null,
              "num_retries":5,"retry_multiplier":8.0,"retry_min_wait":8,"retry_max_wait":64,"timeout":300,"max_message_chars":30000,
              "extra_headers":null,"reasoning_effort":"high","litellm_extra_body":{},"modify_params":true,"safety_settings":null,"usage_id":"agent"},
              "tools":[{"name":"terminal","params":{}},{"name":"file_editor","params":{}}],"mcp_config":{},"agent_context":null,"condenser":null,
              "system_prompt_filename":"system_prompt.j2"},
             "initial_message":null,"max_iterations":50,"stuck_detection":true,"workspace":{"working_dir":"/tmp","kind":"LocalWorkspace"},
             "tool_module_qualnames":{},"agent_definitions":[],"plugins":null,"hook_config":null,"client_tools":[],"tags":{},
             "observability_metadata":{},"observability_tags":[],"observability_span_name":"conversation","user_id":null,
             "stuck_detection_thresholds":{"action_observation":4}}
            """;

        var response = await Server.PostAsync("/api/conversations", body);

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var info = await response.JsonAsync();
        info["agent"]!["llm"]!.AsObject().ContainsKey("api_key").Should().BeTrue("the reference writes api_key: null");
        info["agent"]!["llm"]!["api_key"].Should().BeNull();
        info["max_iterations"]!.GetValue<int>().Should().Be(50);
        info["agent"]!["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Should().Equal("terminal", "file_editor");
        foreach (var (file, text) in Dir.AllFiles())
        {
            if (!file.StartsWith(Path.Combine(Dir.Path, "profiles"), StringComparison.Ordinal))
            {
                text.Should().NotContain("sk-test-python-shape", file);
            }
        }
    }
}
