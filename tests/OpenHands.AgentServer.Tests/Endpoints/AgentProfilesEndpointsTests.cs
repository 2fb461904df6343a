using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>The seven <c>/api/agent-profiles</c> routes in the Python 1.43 shapes (spec §1.4, acceptance 1-41).</summary>
[Category("AgentServer")]
public sealed class AgentProfilesEndpointsTests : ServerTestBase
{
    private const string Key = "sk-test-agent-profile";
    private FakeLlmServer _llm = null!;

    protected override void Configure(AgentServerOptions options) => options.SecretKey = "test-passphrase-agentprofiles";

    [SetUp]
    public async Task StartLlmAsync() => _llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync() => await _llm.DisposeAsync();

    private string ProfilesDir => Path.Combine(Server.PersistenceDirectory, "agent-profiles");

    private Task<HttpResponseMessage> SaveLlmAsync(string name, string model) =>
        Server.PostAsync($"/api/profiles/{name}", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = model, ["api_key"] = Key, ["base_url"] = _llm.BaseUrl + "/v1", ["num_retries"] = 0 },
        }.ToJsonString());

    private async Task<JsonNode> DetailAsync(string name) => (await (await Server.GetAsync($"/api/agent-profiles/{name}")).JsonAsync())["profile"]!;

    [Test]
    public async Task List_EmptyStore_SeedsDefaultOnceAndPointsToIt()
    {
        var tasks = Enumerable.Range(0, 8).Select(_ => Server.GetAsync("/api/agent-profiles")).ToList();
        await Task.WhenAll(tasks);
        tasks.Should().OnlyContain(t => t.Result.StatusCode == HttpStatusCode.OK);
        var list = await (await Server.GetAsync("/api/agent-profiles")).JsonAsync();
        var profiles = list["profiles"]!.AsArray();
        profiles.Should().ContainSingle();
        profiles[0]!["name"]!.GetValue<string>().Should().Be("default");
        profiles[0]!["agent_kind"]!.GetValue<string>().Should().Be("openhands");
        profiles[0]!["llm_profile_ref"]!.GetValue<string>().Should().Be("default");
        profiles[0]!["mcp_server_refs"].Should().BeNull();
        var id = profiles[0]!["id"]!.GetValue<string>();
        list["active_agent_profile_id"]!.GetValue<string>().Should().Be(id);
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_agent_profile_id"]!.GetValue<string>().Should().Be(id);
        Directory.GetFiles(ProfilesDir, "*.json").Should().ContainSingle();
    }

    [Test]
    public async Task List_SeedFollowsTheActiveLlmProfile_AndNonEmptyStoreIsNeverSeeded()
    {
        await SaveLlmAsync("my-llm", "openai/gpt-4o");
        await Server.PatchAsync("/api/settings", """{"active_profile":"my-llm"}""");
        var list = await (await Server.GetAsync("/api/agent-profiles")).JsonAsync();
        list["profiles"]![0]!["llm_profile_ref"]!.GetValue<string>().Should().Be("my-llm");

        await Server.DeleteAsync("/api/agent-profiles/default");
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_agent_profile_id"].Should().BeNull();
        await Server.PostAsync("/api/agent-profiles/mine", """{"llm_profile_ref":"my-llm"}""");
        var after = await (await Server.GetAsync("/api/agent-profiles")).JsonAsync();
        after["profiles"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Should().Equal("mine");
        after["active_agent_profile_id"].Should().BeNull();
    }

    [Test]
    public async Task Save_CreateOverwriteKeepsIdBumpsRevision_PathNameWins_FileIsSecretFree()
    {
        var created = await Server.PostAsync("/api/agent-profiles/new-profile", """{"llm_profile_ref":"base-llm","name":"body-name","revision":7}""");
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await created.JsonAsync())["message"]!.GetValue<string>().Should().Contain("saved");
        var first = await DetailAsync("new-profile");
        first["llm_profile_ref"]!.GetValue<string>().Should().Be("base-llm");
        first["revision"]!.GetValue<int>().Should().Be(0, "the server owns revisions (a documented difference from Python)");
        first["schema_version"]!.GetValue<int>().Should().Be(2);
        (await Server.GetAsync("/api/agent-profiles/body-name")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await Server.PostAsync("/api/agent-profiles/new-profile", """{"llm_profile_ref":"other-llm","verification":{"critic_api_key":"sk-test-critic-one"}}"""))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var second = await DetailAsync("new-profile");
        second["id"]!.GetValue<string>().Should().Be(first["id"]!.GetValue<string>());
        second["revision"]!.GetValue<int>().Should().Be(1);
        second["llm_profile_ref"]!.GetValue<string>().Should().Be("other-llm");
        var file = await File.ReadAllTextAsync(Path.Combine(ProfilesDir, "new-profile.json"));
        file.Should().NotContain("sk-test-critic-one").And.Contain("\"tool_concurrency_limit\"");
        file.IndexOf("\"schema_version\"", StringComparison.Ordinal).Should().BeLessThan(file.IndexOf("\"llm_profile_ref\"", StringComparison.Ordinal));
    }

    [Test]
    public async Task Save_Invalid_422InThePythonShapes()
    {
        var missing = await (await Server.PostAsync("/api/agent-profiles/p", "{}")).JsonAsync();
        missing["detail"]!.AsArray().Should().Contain(d => d!["loc"]!.ToJsonString() == """["openhands","llm_profile_ref"]""");
        (await Server.PostAsync("/api/agent-profiles/p", """{"llm_profile_ref":"x","skills":[]}""")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var bogus = await (await Server.PostAsync("/api/agent-profiles/p", """{"llm_profile_ref":"x","bogus":1}""")).JsonAsync();
        bogus["detail"]![0]!["type"]!.GetValue<string>().Should().Be("extra_forbidden");
        (await Server.PostAsync("/api/agent-profiles/p", """{"agent_kind":"acp","llm_profile_ref":"x"}""")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var newer = await Server.PostAsync("/api/agent-profiles/p", """{"schema_version":3,"llm_profile_ref":"x"}""");
        newer.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await newer.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Invalid agent profile");
        (await Server.PostAsync("/api/agent-profiles/.hidden", """{"llm_profile_ref":"x"}""")).IsSuccessStatusCode.Should().BeFalse();

        // A v1 payload with skills migrates (acceptance 27).
        (await Server.PostAsync("/api/agent-profiles/old", """{"schema_version":1,"llm_profile_ref":"default","skills":[]}""")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await DetailAsync("old"))["disabled_skills"]!.AsArray().Should().BeEmpty();
        Directory.GetFiles(ProfilesDir, "p.json").Should().BeEmpty();
    }

    [Test]
    public async Task Acp_SavesAndLoads_MaterializeNamesItsSecrets()
    {
        (await Server.PostAsync("/api/agent-profiles/codex-fast", """{"agent_kind":"acp","acp_server":"codex","acp_model":"gpt-5.5"}""")).StatusCode.Should().Be(HttpStatusCode.Created);
        var detail = await DetailAsync("codex-fast");
        detail["agent_kind"]!.GetValue<string>().Should().Be("acp");
        detail["acp_server"]!.GetValue<string>().Should().Be("codex");
        var list = await (await Server.GetAsync("/api/agent-profiles")).JsonAsync();
        list["profiles"]![0]!["llm_profile_ref"].Should().BeNull();
        var diagnostics = await (await Server.PostAsync("/api/agent-profiles/codex-fast/materialize")).JsonAsync();
        diagnostics["valid"]!.GetValue<bool>().Should().BeTrue();
        diagnostics["acp_api_key_secret_name"]!.GetValue<string>().Should().Be("OPENAI_API_KEY");
    }

    [Test]
    public async Task Get_UnknownCorruptAndExposeHeader()
    {
        (await Server.GetAsync("/api/agent-profiles/nope")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await File.WriteAllTextAsync(Path.Combine(ProfilesDir, "broken.json"), "{ not valid json");
        (await Server.GetAsync("/api/agent-profiles/broken")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await Server.PostAsync("/api/agent-profiles/a", """{"llm_profile_ref":"x"}""");
        var plain = await (await Server.GetAsync("/api/agent-profiles/a")).Content.ReadAsStringAsync();
        var exposed = await (await Server.GetAsync("/api/agent-profiles/a", ("X-Expose-Secrets", "encrypted"))).Content.ReadAsStringAsync();
        exposed.Should().Be(plain);
    }

    [Test]
    public async Task DeleteRenameActivate()
    {
        await Server.PostAsync("/api/agent-profiles/a", """{"llm_profile_ref":"x"}""");
        var id = (await DetailAsync("a"))["id"]!.GetValue<string>();
        var activated = await Server.PostAsync($"/api/agent-profiles/{id}/activate");
        activated.StatusCode.Should().Be(HttpStatusCode.OK);
        (await activated.JsonAsync())["agent_settings_applied"]!.GetValue<bool>().Should().BeFalse();
        (await Server.PostAsync("/api/agent-profiles/a/activate")).StatusCode.Should().Be(HttpStatusCode.NotFound, "a name is not an id");

        var renamed = await Server.PostAsync("/api/agent-profiles/a/rename", """{"new_name":"b"}""");
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await renamed.JsonAsync())["message"]!.GetValue<string>().Should().Contain("renamed");
        (await Server.GetAsync("/api/agent-profiles/a")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await DetailAsync("b"))["id"]!.GetValue<string>().Should().Be(id);
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_agent_profile_id"]!.GetValue<string>().Should().Be(id);
        (await Server.PostAsync("/api/agent-profiles/missing/rename", """{"new_name":"c"}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await Server.PostAsync("/api/agent-profiles/c", """{"llm_profile_ref":"x"}""");
        (await Server.PostAsync("/api/agent-profiles/b/rename", """{"new_name":"c"}""")).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Server.PostAsync("/api/agent-profiles/b/rename", """{"new_name":"../etc/passwd"}""")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);

        (await Server.DeleteAsync("/api/agent-profiles/b")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.DeleteAsync("/api/agent-profiles/b")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_agent_profile_id"].Should().BeNull();
    }

    [Test]
    public async Task Materialize_ResolvedDanglingAndUnknown_NeverShowsTheKey()
    {
        await SaveLlmAsync("gpt-fast", "openai/gpt-4o");
        await Server.PostAsync("/api/agent-profiles/ok", """{"llm_profile_ref":"gpt-fast","disabled_skills":["beta"]}""");
        var response = await Server.PostAsync("/api/agent-profiles/ok/materialize");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(Key);
        var ok = JsonNode.Parse(text)!;
        ok["valid"]!.GetValue<bool>().Should().BeTrue();
        ok["llm_profile_resolved"]!.GetValue<bool>().Should().BeTrue();
        ok["llm_api_key_set"]!.GetValue<bool>().Should().BeTrue();
        ok["resolved_settings"]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-4o");

        await Server.PostAsync("/api/agent-profiles/dangling", """{"llm_profile_ref":"nonexistent","mcp_server_refs":["missing-server"]}""");
        var bad = await (await Server.PostAsync("/api/agent-profiles/dangling/materialize")).JsonAsync();
        bad["valid"]!.GetValue<bool>().Should().BeFalse();
        bad["errors"]!.ToJsonString().Should().Contain("nonexistent");
        bad["dangling_mcp_server_refs"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("missing-server");
        bad["resolved_settings"].Should().BeNull();
        (await Server.PostAsync("/api/agent-profiles/unknown/materialize")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task LlmProfileForeignKey_DeleteIs409NamingReferrers_RenameCascadesKeepingIdAndRevision()
    {
        await SaveLlmAsync("base-llm", "openai/gpt-4o");
        await Server.PostAsync("/api/agent-profiles/agent-a", """{"llm_profile_ref":"base-llm"}""");
        await Server.PostAsync("/api/agent-profiles/agent-a", """{"llm_profile_ref":"base-llm"}""");
        var before = await DetailAsync("agent-a");

        foreach (var path in new[] { "/api/profiles/base-llm", "/api/llm-profiles/base-llm" })
        {
            var refused = await Server.DeleteAsync(path);
            refused.StatusCode.Should().Be(HttpStatusCode.Conflict, path);
            (await refused.Content.ReadAsStringAsync()).Should().Contain("agent-a");
        }

        (await Server.GetAsync("/api/profiles/base-llm")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.PostAsync("/api/profiles/base-llm/rename", """{"new_name":"new-llm"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        var after = await DetailAsync("agent-a");
        after["llm_profile_ref"]!.GetValue<string>().Should().Be("new-llm");
        after["id"]!.GetValue<string>().Should().Be(before["id"]!.GetValue<string>());
        after["revision"]!.GetValue<int>().Should().Be(1);

        await SaveLlmAsync("unused", "openai/gpt-4o");
        (await Server.DeleteAsync("/api/profiles/unused")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task StartWithAgentProfileId_CallsTheReferencedModelWithItsKey_RecordsProvenance_NoKeyOutsideTheProfileStore()
    {
        await SaveLlmAsync("gpt-fast", "openai/gpt-fast-model");
        await Server.PostAsync("/api/agent-profiles/reviewer", """{"llm_profile_ref":"gpt-fast","tools":[]}""");
        await Server.PostAsync("/api/agent-profiles/reviewer", """{"llm_profile_ref":"gpt-fast","tools":[]}""");
        var profile = await DetailAsync("reviewer");
        var id = profile["id"]!.GetValue<string>();

        var start = await Server.PostAsync("/api/conversations", $$"""{"agent_profile_id":"{{id}}"}""");
        start.StatusCode.Should().Be(HttpStatusCode.Created, await start.Content.ReadAsStringAsync());
        var info = await start.JsonAsync();
        info["launched_agent_profile"]!["agent_profile_id"]!.GetValue<string>().Should().Be(id);
        info["launched_agent_profile"]!["revision"]!.GetValue<int>().Should().Be(1);
        info["llm_profile_id"]!.GetValue<string>().Should().Be("gpt-fast");
        var conversation = info["id"]!.GetValue<string>();

        _llm.Enqueue(FakeReply.Text("reviewed"));
        await Server.PostAsync($"/api/conversations/{conversation}/events", """{"role":"user","content":[{"type":"text","text":"review"}],"run":true}""");
        await _llm.WaitForRequestsAsync(1);
        _llm.Requests[0].Model.Should().Be("gpt-fast-model");
        _llm.Requests[0].Header("Authorization").Should().Be("Bearer " + Key);

        await RestartAsync();
        var restored = await (await Server.GetAsync($"/api/conversations/{conversation}")).JsonAsync();
        restored["launched_agent_profile"]!["agent_profile_id"]!.GetValue<string>().Should().Be(id);

        var profilesDir = Path.Combine(Server.PersistenceDirectory, "profiles");
        foreach (var file in Directory.EnumerateFiles(Server.PersistenceDirectory, "*", SearchOption.AllDirectories))
        {
            if (!file.StartsWith(profilesDir, StringComparison.Ordinal))
            {
                (await File.ReadAllTextAsync(file)).Should().NotContain(Key, file);
            }
        }
    }

    [Test]
    public async Task StartWithAgentProfileId_Validation()
    {
        (await Server.PostAsync("/api/conversations", """{"agent_profile_id":"not-a-uuid"}""")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var id = Guid.NewGuid();
        var exclusive = await Server.PostAsync("/api/conversations", $$$"""{"agent_profile_id":"{{{id}}}","agent":{"kind":"Agent"}}""");
        exclusive.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await exclusive.Content.ReadAsStringAsync()).Should().Contain("mutually exclusive");
        (await Server.PostAsync("/api/conversations", $$$"""{"agent_profile_id":"{{{id}}}","agent_settings":{}}""")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Server.PostAsync("/api/conversations", $$"""{"agent_profile_id":"{{id}}","agent":null}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var two = await Server.PostAsync("/api/conversations", $$"""{"agent_profile_id":"{{id}}","llm_profile_id":"x"}""");
        two.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await two.Content.ReadAsStringAsync()).Should().Contain("agent_profile_id").And.Contain("llm_profile_id");

        await Server.PostAsync("/api/agent-profiles/dangling", """{"llm_profile_ref":"nonexistent"}""");
        var dangling = (await DetailAsync("dangling"))["id"]!.GetValue<string>();
        (await Server.PostAsync("/api/conversations", $$"""{"agent_profile_id":"{{dangling}}"}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
