using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

[Category("AgentServer")]
public sealed class ProfilesEndpointsTests : ServerTestBase
{
    private const string Key = "sk-test-profiles-endpoints";

    protected override void Configure(AgentServerOptions options) => options.MaxProfiles = 3;

    private Task<HttpResponseMessage> SaveAsync(string name, string model = "openai/gpt-4o", string? key = Key, bool includeSecrets = true, string? baseUrl = null)
    {
        var llm = new JsonObject { ["model"] = model, ["temperature"] = 0.7 };
        if (key is not null)
        {
            llm["api_key"] = key;
        }

        if (baseUrl is not null)
        {
            llm["base_url"] = baseUrl;
        }

        return Server.PostAsync($"/api/profiles/{name}", new JsonObject { ["llm"] = llm, ["include_secrets"] = includeSecrets }.ToJsonString());
    }

    [Test]
    public async Task List_EmptyStore_ReturnsNoProfilesAndNoActive()
    {
        var body = await (await Server.GetAsync("/api/profiles")).JsonAsync();

        body["profiles"]!.AsArray().Should().BeEmpty();
        body["active_profile"].Should().BeNull();
    }

    [Test]
    public async Task Save_NewProfile_Returns201AndListsIt()
    {
        var response = await SaveAsync("fast");
        await SaveAsync("keyless", key: null);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.JsonAsync())["message"]!.GetValue<string>().Should().Be("Profile 'fast' saved");
        var list = (await (await Server.GetAsync("/api/profiles")).JsonAsync())["profiles"]!.AsArray();
        list.Select(p => p!["name"]!.GetValue<string>()).Should().Equal("fast", "keyless");
        list[0]!["api_key_set"]!.GetValue<bool>().Should().BeTrue();
        list[1]!["api_key_set"]!.GetValue<bool>().Should().BeFalse();
        list[0]!["model"]!.GetValue<string>().Should().Be("openai/gpt-4o");
    }

    [Test]
    public async Task Save_IncludeSecretsFalse_StoresNoKey()
    {
        await SaveAsync("nokey", includeSecrets: false);

        var body = await (await Server.GetAsync("/api/profiles/nokey", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        body["api_key_set"]!.GetValue<bool>().Should().BeFalse();
        File.ReadAllText(Path.Combine(Dir.Path, "profiles", "nokey.json")).Should().NotContain(Key);
    }

    [Test]
    public async Task Get_NoExposeHeader_RedactsKeyAndReportsItSet()
    {
        await SaveAsync("fast");

        var response = await Server.GetAsync("/api/profiles/fast");

        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(Key);
        var body = JsonNode.Parse(text)!;
        body["config"]!["api_key"].Should().BeNull();
        body["config"]!["temperature"]!.GetValue<double>().Should().Be(0.7);
        body["api_key_set"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task Get_Plaintext_ReturnsKey()
    {
        await SaveAsync("fast");

        var body = await (await Server.GetAsync("/api/profiles/fast", ("X-Expose-Secrets", "plaintext"))).JsonAsync();

        body["config"]!["api_key"]!.GetValue<string>().Should().Be(Key);
    }

    [Test]
    public async Task Get_EncryptedWithoutCipher_Returns503NamingSecretKey()
    {
        await SaveAsync("fast");

        var response = await Server.GetAsync("/api/profiles/fast", ("X-Expose-Secrets", "encrypted"));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = await response.JsonAsync();
        body["detail"]!.GetValue<string>().Should().Contain("OH_SECRET_KEY");
        body["exception"]!.GetValue<string>().Should().Contain("OH_SECRET_KEY");
    }

    [Test]
    public async Task Get_InvalidExposeHeader_Returns400EvenForUnknownProfile()
    {
        var response = await Server.GetAsync("/api/profiles/missing", ("X-Expose-Secrets", "invalid-value"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("Invalid X-Expose-Secrets");
    }

    [Test]
    public async Task Get_Unknown_Returns404NotFound()
    {
        var response = await Server.GetAsync("/api/profiles/nonexistent");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("not found");
    }

    [Test]
    public async Task Get_CorruptFile_Returns400NamingProfile()
    {
        Directory.CreateDirectory(Path.Combine(Dir.Path, "profiles"));
        File.WriteAllText(Path.Combine(Dir.Path, "profiles", "broken.json"), "{not json");

        var response = await Server.GetAsync("/api/profiles/broken");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("broken");
    }

    [TestCase("simple")]
    [TestCase("with-dash")]
    [TestCase("with.dot")]
    [TestCase("MixedCase123")]
    public async Task Save_ValidName_Returns201(string name) =>
        (await SaveAsync(name)).StatusCode.Should().Be(HttpStatusCode.Created);

    [TestCase(".hidden")]
    [TestCase("-dash")]
    [TestCase("a@b")]
    [TestCase("sp%20ace")]
    [TestCase("..%2Fetc%2Fpasswd")]
    public async Task Save_InvalidName_Returns422(string name) =>
        ((int)(await SaveAsync(name)).StatusCode).Should().Be(422);

    [Test]
    public async Task Save_AtLimit_Returns409AndOverwriteStillWorks()
    {
        await SaveAsync("a");
        await SaveAsync("b");
        await SaveAsync("c");

        var create = await SaveAsync("d");
        var overwrite = await SaveAsync("a", model: "openai/gpt-4o-mini");

        create.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await create.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("limit");
        overwrite.StatusCode.Should().Be(HttpStatusCode.Created);
        Directory.GetFiles(Path.Combine(Dir.Path, "profiles")).Select(Path.GetFileName).Should().BeEquivalentTo("a.json", "b.json", "c.json", ".profiles.lock");
    }

    [Test]
    public async Task Delete_Missing_Returns200AndActiveIsCleared()
    {
        await SaveAsync("fast");
        await Server.PostAsync("/api/profiles/fast/activate");

        var missing = await Server.DeleteAsync("/api/profiles/nonexistent");
        var existing = await Server.DeleteAsync("/api/profiles/fast");

        missing.StatusCode.Should().Be(HttpStatusCode.OK);
        (await existing.JsonAsync())["message"]!.GetValue<string>().Should().Contain("deleted");
        (await (await Server.GetAsync("/api/profiles")).JsonAsync())["active_profile"].Should().BeNull();
        (await (await Server.GetAsync("/api/settings")).JsonAsync())["active_profile"].Should().BeNull();
    }

    [Test]
    public async Task Rename_ActiveProfile_CascadesPointerAndKeepsKey()
    {
        await SaveAsync("old-name");
        await Server.PostAsync("/api/profiles/old-name/activate");

        var response = await Server.PostAsync("/api/profiles/old-name/rename", "{\"new_name\":\"new-name\"}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync())["name"]!.GetValue<string>().Should().Be("new-name");
        (await (await Server.GetAsync("/api/profiles")).JsonAsync())["active_profile"]!.GetValue<string>().Should().Be("new-name");
        var detail = await (await Server.GetAsync("/api/profiles/new-name", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        detail["config"]!["api_key"]!.GetValue<string>().Should().Be(Key);
    }

    [TestCase("missing", "{\"new_name\":\"x\"}", 404)]
    [TestCase("a", "{\"new_name\":\"b\"}", 409)]
    [TestCase("a", "{\"new_name\":\"a\"}", 200)]
    [TestCase("a", "{\"new_name\":\"../etc/passwd\"}", 422)]
    [TestCase("a", "{}", 422)]
    [TestCase("a", "{\"new_name\":\"\"}", 422)]
    public async Task Rename_Cases_ReturnReferenceStatus(string from, string body, int status)
    {
        await SaveAsync("a");
        await SaveAsync("b");

        var response = await Server.PostAsync($"/api/profiles/{from}/rename", body);

        ((int)response.StatusCode).Should().Be(status);
    }

    [Test]
    public async Task Activate_Profile_SetsPointerOnlyAndNoKeyInSettingsFile()
    {
        await SaveAsync("fast");

        var response = await Server.PostAsync("/api/profiles/fast/activate", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.JsonAsync();
        body["llm_applied"]!.GetValue<bool>().Should().BeTrue();
        body["message"]!.GetValue<string>().Should().Contain("activated");
        var settings = await (await Server.GetAsync("/api/settings")).JsonAsync();
        settings["active_profile"]!.GetValue<string>().Should().Be("fast");
        settings["llm_api_key_is_set"]!.GetValue<bool>().Should().BeTrue();
        File.ReadAllText(Path.Combine(Dir.Path, "settings.json")).Should().NotContain(Key).And.NotContain("gpt-4o");
    }

    [Test]
    public async Task Activate_Unknown_Returns404()
    {
        var response = await Server.PostAsync("/api/profiles/ghost/activate");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Validate_WorkingLlm_ReturnsValid()
    {
        await using var llm = await FakeLlmServer.StartNewAsync();
        llm.Enqueue(FakeReply.Text("p"));

        var body = await (await Server.PostAsync("/api/profiles/draft/validate", LlmBody(llm.BaseUrl))).JsonAsync();

        body["valid"]!.GetValue<bool>().Should().BeTrue();
        body["error"].Should().BeNull();
        llm.Requests.Should().ContainSingle();
        File.Exists(Path.Combine(Dir.Path, "profiles", "draft.json")).Should().BeFalse();
    }

    [Test]
    public async Task Validate_RateLimited_CountsAsValid()
    {
        await using var llm = await FakeLlmServer.StartNewAsync();
        llm.Enqueue(FakeReply.Error(429, "{\"error\":{\"message\":\"slow down\"}}"));

        var body = await (await Server.PostAsync("/api/profiles/draft/validate", LlmBody(llm.BaseUrl))).JsonAsync();

        body["valid"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task Validate_AuthError_ReturnsInvalidWithoutKeyInMessage()
    {
        await using var llm = await FakeLlmServer.StartNewAsync();
        llm.Enqueue(FakeReply.Error(401, "{\"error\":{\"message\":\"bad key " + Key + "\"}}"));

        var response = await Server.PostAsync("/api/profiles/draft/validate", LlmBody(llm.BaseUrl));

        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(Key);
        var body = JsonNode.Parse(text)!;
        body["valid"]!.GetValue<bool>().Should().BeFalse();
        body["error"]!["type"]!.GetValue<string>().Should().Be("LLMAuthenticationError");
    }

    private static string LlmBody(string baseUrl) =>
        new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = baseUrl + "/v1" } }.ToJsonString();
}

[Category("AgentServer")]
public sealed class ProfilesWithCipherTests : ServerTestBase
{
    private const string Key = "sk-test-cipher-listing";

    protected override void Configure(AgentServerOptions options) => options.SecretKey = "sk-test-server-secret";

    [Test]
    public async Task Save_WithCipher_StoresTokenAndEncryptedRoundTrips()
    {
        await Server.PostAsync("/api/profiles/enc", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}");
        File.ReadAllText(Path.Combine(Dir.Path, "profiles", "enc.json")).Should().NotContain(Key).And.Contain("gAAAAA");

        var encrypted = await (await Server.GetAsync("/api/profiles/enc", ("X-Expose-Secrets", "encrypted"))).JsonAsync();
        var token = encrypted["config"]!["api_key"]!.GetValue<string>();
        token.Should().StartWith("gAAAAA");
        var legacy = await (await Server.GetAsync("/api/profiles/enc", ("X-Expose-Secrets", "true"))).JsonAsync();
        legacy["config"]!["api_key"]!.GetValue<string>().Should().StartWith("gAAAAA");

        await Server.PostAsync("/api/profiles/enc", "{\"llm\":{\"model\":\"openai/gpt-4o-mini\",\"api_key\":\"" + token + "\"}}");
        var plain = await (await Server.GetAsync("/api/profiles/enc", ("X-Expose-Secrets", "plaintext"))).JsonAsync();
        plain["config"]!["api_key"]!.GetValue<string>().Should().Be(Key);
        plain["config"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-4o-mini");
    }

    [Test]
    public async Task Save_UndecryptableToken_Returns422AndStoresNothing()
    {
        var response = await Server.PostAsync("/api/profiles/bad", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"gAAAAABnotatoken\"}}");

        ((int)response.StatusCode).Should().Be(422);
        File.Exists(Path.Combine(Dir.Path, "profiles", "bad.json")).Should().BeFalse();
    }
}
