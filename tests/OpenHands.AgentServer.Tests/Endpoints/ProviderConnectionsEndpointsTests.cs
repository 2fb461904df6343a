using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// <c>/api/llm/provider-connections</c> on the real server, in the Python 1.43 shapes (profile-chain spec §2, acceptance
/// behaviours 51-64), and the linked profile's key read at use by a conversation start.
/// </summary>
[Category("AgentServer")]
public sealed class ProviderConnectionsEndpointsTests : ServerTestBase
{
    private const string Key1 = "sk-test-conn-key-one";
    private const string Key2 = "sk-test-conn-key-two";
    private const string Route = "/api/llm/provider-connections";

    private string _secretKey = "test-passphrase-a";
    private string? _previousKey;

    protected override void Configure(AgentServerOptions options)
    {
        options.SecretKey = _secretKey;
        options.PreviousSecretKey = _previousKey;
    }

    private async Task<JsonNode> CreateAsync(string key = Key1, string? baseUrl = "https://conn.example/v1")
    {
        var response = await Server.PostAsync(Route, new JsonObject
        {
            ["display_name"] = "Work", ["provider"] = "openai", ["api_key"] = key, ["base_url"] = baseUrl,
        }.ToJsonString());
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private Task<HttpResponseMessage> SaveLinkedAsync(string name, string connectionId, string? baseUrl = null) =>
        Server.PostAsync($"/api/profiles/{name}", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["provider_connection_id"] = connectionId, ["base_url"] = baseUrl, ["num_retries"] = 0 },
            ["include_secrets"] = false,
        }.ToJsonString());

    private string ConnectionsFile => Path.Combine(Dir.Path, "provider-connections", "provider_connections.json");

    [Test]
    public async Task Create_Returns201WithoutKey_FileEncryptedAtPythonPath()
    {
        var response = await Server.PostAsync(Route, "{\"display_name\":\"Anthropic Work\",\"provider\":\"anthropic\",\"api_key\":\"" + Key1 + "\",\"base_url\":\"https://api.anthropic.com\"}");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(Key1).And.NotContain("api_key\"").And.NotContain("secret_name");
        var body = JsonNode.Parse(text)!.AsObject();
        body.Select(p => p.Key).Should().Equal("id", "display_name", "provider", "base_url", "created_at", "updated_at", "api_key_set");
        body["id"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{32}$");
        body["api_key_set"]!.GetValue<bool>().Should().BeTrue();
        body["created_at"]!.GetValue<long>().Should().Be(body["updated_at"]!.GetValue<long>());

        var file = JsonNode.Parse(File.ReadAllText(ConnectionsFile))!;
        file["schema_version"]!.GetValue<int>().Should().Be(1);
        file["connections"]![0]!["api_key"]!.GetValue<string>().Should().StartWith("gAAAAA");
        File.ReadAllText(ConnectionsFile).Should().NotContain(Key1);

        var list = (await (await Server.GetAsync(Route)).JsonAsync()).AsArray();
        list.Should().ContainSingle();
        list[0]!["display_name"]!.GetValue<string>().Should().Be("Anthropic Work");
    }

    [TestCase("{\"display_name\":\"x\",\"api_key\":\"k\",\"extra_headers\":{}}", "extra_headers", "extra_forbidden")]
    [TestCase("{\"display_name\":\"x\",\"api_key\":\"k\",\"id\":\"abc\"}", "id", "extra_forbidden")]
    [TestCase("{\"display_name\":\"x\"}", "api_key", "missing")]
    [TestCase("{\"display_name\":\"x\",\"api_key\":\"\"}", "api_key", "string_too_short")]
    [TestCase("{\"display_name\":\"x\",\"api_key\":\"   \"}", "api_key", "string_too_short")]
    [TestCase("{\"api_key\":\"k\"}", "display_name", "missing")]
    public async Task Create_InvalidBody_Is422AtTheField(string json, string field, string type)
    {
        var response = await Server.PostAsync(Route, json);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var detail = (await response.JsonAsync())["detail"]![0]!;
        detail["type"]!.GetValue<string>().Should().Be(type);
        detail["loc"]!.AsArray().Select(n => n!.ToString()).Should().Equal("body", field);
        File.Exists(ConnectionsFile).Should().BeFalse();
    }

    [Test]
    public async Task LinkedProfiles_ListAndDetailReportTheConnectionsKey()
    {
        var id = (await CreateAsync())["id"]!.GetValue<string>();
        (await SaveLinkedAsync("gpt-a", id)).StatusCode.Should().Be(HttpStatusCode.Created);
        (await SaveLinkedAsync("gpt-b", id)).StatusCode.Should().Be(HttpStatusCode.Created);

        var list = (await (await Server.GetAsync("/api/profiles")).JsonAsync())["profiles"]!.AsArray();
        list.Should().HaveCount(2);
        list.Should().OnlyContain(p => p!["api_key_set"]!.GetValue<bool>() && !p["provider_connection_broken"]!.GetValue<bool>()
            && p["provider_connection_id"]!.GetValue<string>() == id);
        var detail = await (await Server.GetAsync("/api/profiles/gpt-a")).JsonAsync();
        detail["config"]!["api_key"].Should().BeNull();
        detail["config"]!["provider_connection_id"]!.GetValue<string>().Should().Be(id);
        detail["api_key_set"]!.GetValue<bool>().Should().BeTrue();
        File.ReadAllText(Path.Combine(Dir.Path, "profiles", "gpt-a.json")).Should().NotContain("\"api_key\":").And.NotContain("\"base_url\":");
    }

    [Test]
    public async Task Patch_KeySemantics()
    {
        var id = (await CreateAsync())["id"]!.GetValue<string>();
        await SaveLinkedAsync("gpt-a", id);

        var empty = await Server.PatchAsync($"{Route}/{id}", "{}");
        empty.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await empty.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Provide at least one provider connection field to update");

        var unknown = await Server.PatchAsync($"{Route}/nope", "{\"api_key\":\"" + Key2 + "\"}");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Provider connection 'nope' not found");

        foreach (var clear in new[] { "{\"api_key\":null}", "{\"api_key\":\"  \"}" })
        {
            var cleared = await Server.PatchAsync($"{Route}/{id}", clear);
            cleared.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            (await cleared.JsonAsync())["detail"]!.GetValue<string>().Should().Be("api_key cannot be cleared; provide a new key to rotate it");
        }

        foreach (var field in new[] { "display_name", "provider" })
        {
            var nulled = await Server.PatchAsync($"{Route}/{id}", $"{{\"{field}\":null}}");
            nulled.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            (await nulled.JsonAsync())["detail"]![0]!["msg"]!.GetValue<string>().Should().Be($"Value error, {field} cannot be set to null");
        }

        (await Server.PatchAsync($"{Route}/{id}", "{\"extra_headers\":{}}")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);

        var profiles = (await (await Server.GetAsync("/api/profiles")).JsonAsync())["profiles"]!;
        profiles[0]!["api_key_set"]!.GetValue<bool>().Should().BeTrue("a refused PATCH keeps the key");

        var rotated = await Server.PatchAsync($"{Route}/{id}", "{\"api_key\":\"" + Key2 + "\",\"base_url\":null,\"display_name\":\"Renamed\"}");
        rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await rotated.JsonAsync();
        body["base_url"].Should().BeNull();
        body["display_name"]!.GetValue<string>().Should().Be("Renamed");
        body["api_key_set"]!.GetValue<bool>().Should().BeTrue();
        (await rotated.Content.ReadAsStringAsync()).Should().NotContain(Key2);
    }

    [Test]
    public async Task Delete_ReferencedIs409NamingProfiles_UnreferencedReturnsRecordWithoutKey()
    {
        var id = (await CreateAsync())["id"]!.GetValue<string>();
        await SaveLinkedAsync("b-prof", id);
        await SaveLinkedAsync("a-prof", id);

        var refused = await Server.DeleteAsync($"{Route}/{id}");
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await refused.JsonAsync())["detail"]!.GetValue<string>().Should().Be(
            "Provider connection cannot be deleted while it is referenced by LLM profile(s): a-prof, b-prof. Update those references before deleting it.");

        await Server.DeleteAsync("/api/profiles/a-prof");
        await Server.DeleteAsync("/api/profiles/b-prof");
        var deleted = await Server.DeleteAsync($"{Route}/{id}");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await deleted.JsonAsync();
        body["id"]!.GetValue<string>().Should().Be(id);
        body["api_key_set"]!.GetValue<bool>().Should().BeFalse();
        (await Server.DeleteAsync($"{Route}/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await (await Server.GetAsync(Route)).JsonAsync()).AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task DanglingLink_ListShowsBroken_ActivateIs422NamingTheConnection()
    {
        (await SaveLinkedAsync("orphan", "0123456789abcdef0123456789abcdef")).StatusCode.Should().Be(HttpStatusCode.Created);

        var item = (await (await Server.GetAsync("/api/profiles")).JsonAsync())["profiles"]![0]!;
        item["provider_connection_broken"]!.GetValue<bool>().Should().BeTrue();
        item["api_key_set"]!.GetValue<bool>().Should().BeFalse();
        item["provider_connection_id"]!.GetValue<string>().Should().Be("0123456789abcdef0123456789abcdef");

        var activate = await Server.PostAsync("/api/profiles/orphan/activate");
        activate.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await activate.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("0123456789abcdef0123456789abcdef").And.Contain("orphan");
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_profile"].Should().BeNull();
    }

    [Test]
    public async Task AgentProfileMaterialize_LlmProfileLinksAMissingConnection_IsValidFalseNotAnError()
    {
        (await SaveLinkedAsync("orphan", "0123456789abcdef0123456789abcdef")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await Server.PostAsync("/api/agent-profiles/runner", """{"llm_profile_ref":"orphan"}""")).IsSuccessStatusCode.Should().BeTrue();

        var response = await Server.PostAsync("/api/agent-profiles/runner/materialize");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        body["valid"]!.GetValue<bool>().Should().BeFalse();
        body["llm_profile_resolved"]!.GetValue<bool>().Should().BeFalse();
        body["errors"]!.AsArray().Should().ContainSingle().Which!.GetValue<string>().Should().StartWith("Could not load LLM profile 'orphan'");
    }

    [Test]
    public async Task CorruptFile_Is400OnEveryRouteThatReadsIt_AndIsNotReplaced()
    {
        var id = (await CreateAsync())["id"]!.GetValue<string>();
        await SaveLinkedAsync("linked", id);
        File.WriteAllText(ConnectionsFile, "{ not valid json");

        (await Server.GetAsync(Route)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.PatchAsync($"{Route}/{id}", "{\"api_key\":\"" + Key2 + "\"}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.PostAsync(Route, "{\"display_name\":\"x\",\"api_key\":\"k\"}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/profiles/linked")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/profiles")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        File.ReadAllText(ConnectionsFile).Should().Be("{ not valid json");
    }

    [Test]
    public async Task Create_The65th_Is409()
    {
        for (var i = 0; i < 64; i++)
        {
            (await Server.PostAsync(Route, "{\"display_name\":\"c\",\"api_key\":\"sk-test-x\"}")).StatusCode.Should().Be(HttpStatusCode.Created);
        }

        var refused = await Server.PostAsync(Route, "{\"display_name\":\"c\",\"api_key\":\"sk-test-x\"}");
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await refused.JsonAsync())["detail"]!.GetValue<string>().Should().Be("Provider connection limit reached (64). Delete one before adding another.");
    }

    [Test]
    public async Task ConversationStart_UsesTheConnectionsKeyReadAtUse_AndNoOtherFileHoldsIt()
    {
        await using var llm = await FakeLlmServer.StartNewAsync();
        var id = (await CreateAsync(Key1, llm.BaseUrl + "/v1"))["id"]!.GetValue<string>();
        (await SaveLinkedAsync("linked", id, baseUrl: "http://127.0.0.1:9/ignored")).StatusCode.Should().Be(HttpStatusCode.Created);

        llm.Enqueue(FakeReply.Text("first"), FakeReply.Text("second"));
        await RunOneTurnAsync("linked");
        await llm.WaitForRequestsAsync(1);
        llm.Requests[0].Header("Authorization").Should().Be("Bearer " + Key1, "the connection's key and base URL win over the profile's");

        (await Server.PatchAsync($"{Route}/{id}", "{\"api_key\":\"" + Key2 + "\"}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await RunOneTurnAsync("linked");
        await llm.WaitForRequestsAsync(2);
        llm.Requests[1].Header("Authorization").Should().Be("Bearer " + Key2, "the next start reads the PATCHed key");

        // No file anywhere under the persistence folder holds either key in plaintext (the stores hold Fernet tokens).
        foreach (var file in Directory.EnumerateFiles(Dir.Path, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            text.Should().NotContain(Key1, file).And.NotContain(Key2, file);
        }
    }

    [Test]
    public async Task AgentProfileStart_CallsTheLlmProfilesModelWithTheConnectionsKey_APatchedKeyReachesTheNextStart_OnlyTheStoresHoldKeys()
    {
        await using var llm = await FakeLlmServer.StartNewAsync();
        var connection = (await CreateAsync(Key1, llm.BaseUrl + "/v1"))["id"]!.GetValue<string>();
        (await Server.PostAsync("/api/profiles/linked", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-chain", ["provider_connection_id"] = connection, ["num_retries"] = 0 },
            ["include_secrets"] = false,
        }.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.Created);
        var created = await Server.PostAsync("/api/agent-profiles/chain", """{"llm_profile_ref":"linked"}""");
        created.IsSuccessStatusCode.Should().BeTrue(await created.Content.ReadAsStringAsync());
        var agentProfile = (await (await Server.GetAsync("/api/agent-profiles/chain")).JsonAsync())["profile"]!["id"]!.GetValue<string>();
        var start = "{\"agent_profile_id\":\"" + agentProfile + "\"}";

        llm.Enqueue(FakeReply.Text("first"), FakeReply.Text("second"));
        await RunOneTurnWithStartAsync(start);
        await llm.WaitForRequestsAsync(1);
        llm.Requests[0].Model.Should().Be("gpt-chain", "the agent profile's llm_profile_ref names the model");
        llm.Requests[0].Header("Authorization").Should().Be("Bearer " + Key1, "the LLM profile's provider connection holds the key");

        (await Server.PatchAsync($"{Route}/{connection}", "{\"api_key\":\"" + Key2 + "\"}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await RunOneTurnWithStartAsync(start);
        await llm.WaitForRequestsAsync(2);
        llm.Requests[1].Model.Should().Be("gpt-chain");
        llm.Requests[1].Header("Authorization").Should().Be("Bearer " + Key2, "the next start reads the PATCHed key");

        // Neither key is anywhere in plaintext; outside the connection store no file holds even an encrypted secret
        // (the linked profile has no key of its own; conversations and settings hold references only).
        var connectionsDir = Path.GetDirectoryName(ConnectionsFile)!;
        foreach (var file in Directory.EnumerateFiles(Dir.Path, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            text.Should().NotContain(Key1, file).And.NotContain(Key2, file);
            if (!file.StartsWith(connectionsDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                text.Should().NotContain("gAAAAA", $"{file} is outside the connection store and must hold no Fernet token");
            }
        }
    }

    [Test]
    public async Task ServerWithNewKeyAndPrevious_ServesProfilesAndConnectionsWrittenUnderEither()
    {
        await Server.PostAsync("/api/profiles/old", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key1 + "\"}}");
        var id = (await CreateAsync(Key1))["id"]!.GetValue<string>();

        _previousKey = _secretKey;
        _secretKey = "test-passphrase-b";
        await RestartAsync();
        await Server.PostAsync("/api/profiles/new", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key2 + "\"}}");

        var old = await (await Server.GetAsync("/api/profiles/old", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        old["config"]!["api_key"]!.GetValue<string>().Should().Be(Key1);
        var fresh = await (await Server.GetAsync("/api/profiles/new", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        fresh["config"]!["api_key"]!.GetValue<string>().Should().Be(Key2);
        (await Server.GetAsync(Route)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.PatchAsync($"{Route}/{id}", "{\"display_name\":\"after roll\"}")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Without the previous key, what is still under the old key is a clear 400 naming the profile, never a 500.
        _previousKey = null;
        await RestartAsync();
        var unreadable = await Server.GetAsync("/api/profiles/old");
        unreadable.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unreadable.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("'old'");
        (await Server.GetAsync("/api/profiles/new", ("X-Expose-Secrets", "plaintext"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.GetAsync(Route)).StatusCode.Should().Be(HttpStatusCode.OK, "the PATCH under the new key re-encrypted the connections file");
    }

    private Task RunOneTurnAsync(string profile) => RunOneTurnWithStartAsync("{\"llm_profile\":\"" + profile + "\"}");

    private async Task RunOneTurnWithStartAsync(string startBody)
    {
        var start = await Server.PostAsync("/api/conversations", startBody);
        start.StatusCode.Should().Be(HttpStatusCode.Created, await start.Content.ReadAsStringAsync());
        var id = (await start.JsonAsync())["id"]!.GetValue<string>();
        var send = await Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "hi" }),
            ["run"] = true,
        }.ToJsonString());
        send.StatusCode.Should().Be(HttpStatusCode.OK);
        for (var i = 0; i < 200; i++)
        {
            var status = (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["execution_status"]!.GetValue<string>();
            if (status is "finished" or "idle" or "error")
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new AssertionException($"conversation {id} never finished");
    }
}
