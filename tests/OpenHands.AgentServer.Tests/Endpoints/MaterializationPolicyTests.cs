using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// The server's raw-LLM paths follow the SDK's one materialization policy: a conversation started with an inline
/// <c>agent.llm</c>, the legacy <c>switch_llm</c>, and the settings <c>agent_settings_diff.llm</c>. For each: a different
/// Default and the user's own active profile stay byte-identical; two different LLMs get two profiles; the same LLM twice
/// gets one profile and no second write.
/// </summary>
[Category("AgentServer")]
public sealed class MaterializationPolicyTests : ServerTestBase
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
    private static readonly string[] Paths = ["inline agent.llm", "switch_llm", "settings llm diff"];

    private FakeLlmServer _llm = null!;

    private string ProfilesDir => Path.Combine(Dir.Path, "profiles");

    [SetUp]
    public async Task StartLlmAsync() => _llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync() => await _llm.DisposeAsync();

    [TestCaseSource(nameof(Paths))]
    public async Task Path_DifferentDefaultAndUsersActiveProfile_StayByteIdentical(string path)
    {
        await SaveAsync("Default", "openai/gpt-default", "sk-test-srv-default");
        await SaveAsync("mine", "openai/gpt-mine", "sk-test-srv-mine");
        (await Server.PostAsync("/api/profiles/mine/activate")).StatusCode.Should().Be(HttpStatusCode.OK);
        var before = AgedProfiles();

        var name = await MaterializeThroughAsync(path, "openai/gpt-raw", "sk-test-srv-raw");

        name.Should().NotBe("Default").And.NotBe("mine");
        foreach (var (file, (bytes, written)) in before)
        {
            File.ReadAllBytes(file).Should().Equal(bytes, "{0} must not change", file);
            File.GetLastWriteTimeUtc(file).Should().Be(written);
        }

        (await PlaintextKeyAsync(name)).Should().Be("sk-test-srv-raw");
    }

    [TestCaseSource(nameof(Paths))]
    public async Task Path_TwoLlmsDifferingOnlyInKey_GetTwoProfiles(string path)
    {
        var first = await MaterializeThroughAsync(path, "openai/gpt-raw", "sk-test-srv-one");
        var second = await MaterializeThroughAsync(path, "openai/gpt-raw", "sk-test-srv-two");

        second.Should().NotBe(first);
        (await PlaintextKeyAsync(first)).Should().Be("sk-test-srv-one");
        (await PlaintextKeyAsync(second)).Should().Be("sk-test-srv-two");
    }

    [TestCaseSource(nameof(Paths))]
    public async Task Path_SameLlmTwice_OneProfileAndNoSecondWrite(string path)
    {
        var first = await MaterializeThroughAsync(path, "openai/gpt-raw", "sk-test-srv-same");
        var before = AgedProfiles();

        var second = await MaterializeThroughAsync(path, "openai/gpt-raw", "sk-test-srv-same");

        second.Should().Be(first);
        Directory.GetFiles(ProfilesDir, "*.json").Should().BeEquivalentTo(before.Keys, "no profile was added");
        foreach (var (file, (bytes, written)) in before)
        {
            File.ReadAllBytes(file).Should().Equal(bytes);
            File.GetLastWriteTimeUtc(file).Should().Be(written, "{0} is not written again", file);
        }
    }

    [Test]
    public async Task Patch_LlmDiffWithAnInvalidConversationDiff_Returns422AndChangesNothing()
    {
        await SaveAsync("mine", "openai/gpt-mine", "sk-test-srv-mine");
        await Server.PostAsync("/api/profiles/mine/activate");
        var before = AgedProfiles();
        var settings = await File.ReadAllBytesAsync(Path.Combine(Dir.Path, "settings.json"));

        var response = await Server.PatchAsync("/api/settings", new JsonObject
        {
            ["agent_settings_diff"] = new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/gpt-new" } },
            ["conversation_settings_diff"] = new JsonObject { ["max_iterations"] = "many" },
        }.ToJsonString());

        ((int)response.StatusCode).Should().Be(422, await response.Content.ReadAsStringAsync());
        Directory.GetFiles(ProfilesDir, "*.json").Should().BeEquivalentTo(before.Keys, "no profile is written before everything is valid");
        (await File.ReadAllBytesAsync(Path.Combine(Dir.Path, "settings.json"))).Should().Equal(settings);
    }

    [Test]
    public async Task Patch_InvalidLlmDiff_Returns422AndChangesNothing()
    {
        await SaveAsync("mine", "openai/gpt-mine", "sk-test-srv-mine");
        await Server.PostAsync("/api/profiles/mine/activate");
        var before = AgedProfiles();

        var response = await Server.PatchAsync("/api/settings", "{\"agent_settings_diff\":{\"llm\":{\"temperature\":\"hot\"}}}");

        ((int)response.StatusCode).Should().Be(422, await response.Content.ReadAsStringAsync());
        Directory.GetFiles(ProfilesDir, "*.json").Should().BeEquivalentTo(before.Keys);
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_profile"]!.GetValue<string>().Should().Be("mine");
    }

    [Test]
    public async Task Start_TwoClientsWithDifferentInlineLlms_AfterRestartEachCallsItsOwnModelWithItsOwnKey()
    {
        var a = await StartInlineAsync("openai/gpt-client-a", "sk-test-client-a");
        var b = await StartInlineAsync("openai/gpt-client-b", "sk-test-client-b");
        a.Profile.Should().NotBe(b.Profile);

        await RestartAsync();
        _llm.Enqueue(FakeReply.Text("for a"), FakeReply.Text("for b"));
        await RunAsync(a.Id, "hello from a");
        await RunAsync(b.Id, "hello from b");
        await _llm.WaitForRequestsAsync(2);

        _llm.Requests.Should().HaveCount(2);
        _llm.Requests[0].Model.Should().Be("gpt-client-a");
        _llm.Requests[0].Header("Authorization").Should().Be("Bearer sk-test-client-a");
        _llm.Requests[1].Model.Should().Be("gpt-client-b");
        _llm.Requests[1].Header("Authorization").Should().Be("Bearer sk-test-client-b");
    }

    [Test]
    public async Task SaveProfile_IfNoneMatchStarAndTheProfileExists_Returns412AndLeavesIt()
    {
        await SaveAsync("taken", "openai/gpt-first", "sk-test-srv-first");
        var before = await File.ReadAllBytesAsync(Path.Combine(ProfilesDir, "taken.json"));

        var response = await Server.PostAsync("/api/profiles/taken", Profile("openai/gpt-second", "sk-test-srv-second"), ("If-None-Match", "*"));
        var created = await Server.PostAsync("/api/profiles/fresh", Profile("openai/gpt-second", "sk-test-srv-second"), ("If-None-Match", "*"));

        response.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        (await response.Content.ReadAsStringAsync()).Should().Contain("taken").And.NotContain("sk-test");
        (await File.ReadAllBytesAsync(Path.Combine(ProfilesDir, "taken.json"))).Should().Equal(before);
        created.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    private async Task<string> MaterializeThroughAsync(string path, string model, string key)
    {
        var llm = Llm(model, key);
        switch (Array.IndexOf(Paths, path))
        {
            case 0:
                return (await StartInlineAsync(model, key)).Profile;
            case 1:
                if (!File.Exists(Path.Combine(ProfilesDir, "start.json")))
                {
                    await SaveAsync("start", "openai/gpt-start", "sk-test-srv-start");
                }

                var started = await Server.PostAsync("/api/conversations", "{\"llm_profile\":\"start\"}");
                started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
                var id = (await started.JsonAsync())["id"]!.GetValue<string>();
                var switched = await Server.PostAsync($"/api/conversations/{id}/switch_llm", new JsonObject { ["llm"] = llm }.ToJsonString());
                switched.StatusCode.Should().Be(HttpStatusCode.OK, await switched.Content.ReadAsStringAsync());
                return (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["llm_profile"]!.GetValue<string>();
            default:
                var patched = await Server.PatchAsync("/api/settings", new JsonObject { ["agent_settings_diff"] = new JsonObject { ["llm"] = llm } }.ToJsonString());
                patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
                return (await patched.JsonAsync())["active_profile"]!.GetValue<string>();
        }
    }

    private async Task<(string Id, string Profile)> StartInlineAsync(string model, string key)
    {
        var response = await Server.PostAsync("/api/conversations", new JsonObject { ["agent"] = new JsonObject { ["llm"] = Llm(model, key) } }.ToJsonString());
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        return (body["id"]!.GetValue<string>(), body["llm_profile"]!.GetValue<string>());
    }

    private async Task RunAsync(string id, string text)
    {
        var sent = await Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["run"] = true,
        }.ToJsonString());
        sent.StatusCode.Should().Be(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync());
        for (var i = 0; i < 200; i++)
        {
            var status = (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["execution_status"]!.GetValue<string>();
            if (status is "finished" or "idle" or "error")
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"conversation {id} did not finish");
    }

    private JsonObject Llm(string model, string key) =>
        new() { ["model"] = model, ["api_key"] = key, ["base_url"] = _llm.BaseUrl + "/v1", ["num_retries"] = 0 };

    private string Profile(string model, string key) => new JsonObject { ["llm"] = Llm(model, key) }.ToJsonString();

    private async Task SaveAsync(string name, string model, string key) =>
        (await Server.PostAsync($"/api/profiles/{name}", Profile(model, key))).StatusCode.Should().Be(HttpStatusCode.Created);

    private async Task<string?> PlaintextKeyAsync(string profile) =>
        (await (await Server.GetAsync($"/api/profiles/{profile}", ("X-Expose-Secrets", "plaintext"))).JsonAsync())["config"]!["api_key"]?.GetValue<string>();

    private Dictionary<string, (byte[] Bytes, DateTime Written)> AgedProfiles()
    {
        var files = new Dictionary<string, (byte[], DateTime)>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(ProfilesDir, "*.json"))
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
            files[file] = (File.ReadAllBytes(file), LongAgo);
        }

        return files;
    }
}
