using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>The seed PR's surface (spec §3, acceptance 65-72) on the real server with the scripted fake LLM.</summary>
[Category("AgentServer")]
public sealed class LlmProfilesEndpointsTests : ServerTestBase
{
    private const string Key = "sk-test-llm-profiles";
    private FakeLlmServer _llm = null!;

    protected override void Configure(AgentServerOptions options) => options.SecretKey = "test-passphrase-llmprofiles";

    [SetUp]
    public async Task StartLlmAsync() => _llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync() => await _llm.DisposeAsync();

    private Task<HttpResponseMessage> PutAsync(string id, string model, string? key = Key) =>
        Server.SendAsync(HttpMethod.Put, $"/api/llm-profiles/{id}", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = model, ["api_key"] = key, ["base_url"] = _llm.BaseUrl + "/v1", ["num_retries"] = 0 },
        }.ToJsonString());

    private async Task<JsonNode> WaitIdleAsync(string id)
    {
        for (var i = 0; i < 200; i++)
        {
            var info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();
            if (info["execution_status"]!.GetValue<string>() is "finished" or "idle")
            {
                return info;
            }

            await Task.Delay(50);
        }

        throw new AssertionException("never idle");
    }

    private Task<HttpResponseMessage> SendAsync(string id, string text) =>
        Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["run"] = true,
        }.ToJsonString());

    [Test]
    public async Task Put_WithCipher_StoresFernetAndNoRouteShowsTheKey()
    {
        (await PutAsync("fast", "openai/gpt-fast")).StatusCode.Should().Be(HttpStatusCode.OK);

        var file = await File.ReadAllTextAsync(Path.Combine(Server.PersistenceDirectory, "profiles", "fast.json"));
        file.Should().NotContain(Key).And.Contain("gAAAAA");
        var list = await Server.GetAsync("/api/llm-profiles");
        var text = await list.Content.ReadAsStringAsync();
        text.Should().NotContain(Key).And.NotContain("gAAAAA");
        var parsed = JsonNode.Parse(text)!;
        parsed["profiles"]![0]!["id"]!.GetValue<string>().Should().Be("fast");
        parsed["profiles"]![0]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-fast");
        parsed["profiles"]![0]!["api_key_set"]!.GetValue<bool>().Should().BeTrue();

        // No header makes the detail expose a secret (acceptance 67); the same store shows in /api/profiles (one store, two views).
        foreach (var header in new[] { "plaintext", "encrypted", "true" })
        {
            var detail = await (await Server.GetAsync("/api/llm-profiles/fast", ("X-Expose-Secrets", header))).Content.ReadAsStringAsync();
            detail.Should().NotContain(Key).And.NotContain("gAAAAA");
        }

        (await (await Server.GetAsync("/api/profiles")).JsonAsync())["profiles"]![0]!["name"]!.GetValue<string>().Should().Be("fast");
    }

    [Test]
    public async Task GetDelete_UnknownOrBadName_404And422()
    {
        (await Server.GetAsync("/api/llm-profiles/missing")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.DeleteAsync("/api/llm-profiles/missing")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.GetAsync("/api/llm-profiles/.hidden")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        await PutAsync("fast", "openai/gpt-fast");
        var deleted = await Server.DeleteAsync("/api/llm-profiles/fast");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await deleted.JsonAsync())["success"]!.GetValue<bool>().Should().BeTrue();
        File.Exists(Path.Combine(Server.PersistenceDirectory, "profiles", "fast.json")).Should().BeFalse();
    }

    [Test]
    public async Task StartWithLlmProfileId_RunsOnTheProfile_ReportsItAndStoresItInMeta()
    {
        await PutAsync("fast", "openai/gpt-fast");
        var response = await Server.PostAsync("/api/conversations", """{"agent":{"kind":"Agent","llm":{"model":"ignored"}},"llm_profile_id":"fast"}""");
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var info = await response.JsonAsync();
        info["llm_profile_id"]!.GetValue<string>().Should().Be("fast");
        info["agent"]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-fast");
        info["agent"]!["llm"]!["usage_id"]!.GetValue<string>().Should().Be("profile:fast");
        var id = info["id"]!.GetValue<string>();
        var meta = await File.ReadAllTextAsync(Path.Combine(Server.PersistenceDirectory, "conversations", Guid.Parse(id).ToString("N"), "meta.json"));
        JsonNode.Parse(meta)!["llm_profile_id"]!.GetValue<string>().Should().Be("fast");

        // An existing id answers the existing conversation unchanged (acceptance 69).
        await PutAsync("slow", "openai/gpt-slow");
        var again = await Server.PostAsync("/api/conversations", $$"""{"conversation_id":"{{id}}","llm_profile_id":"slow"}""");
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.JsonAsync())["llm_profile_id"]!.GetValue<string>().Should().Be("fast");

        _llm.Enqueue(FakeReply.Text("done"));
        await SendAsync(id, "hi");
        await _llm.WaitForRequestsAsync(1);
        await WaitIdleAsync(id);
        _llm.Requests.Should().ContainSingle().Which.Model.Should().Be("gpt-fast");
        _llm.Requests[0].Header("Authorization").Should().Be("Bearer " + Key);
    }

    [Test]
    public async Task SetLlmProfile_Idle_SwitchesPersistsAndSurvivesRestart()
    {
        await PutAsync("fast", "openai/gpt-fast");
        await PutAsync("slow", "openai/gpt-slow");
        var id = (await (await Server.PostAsync("/api/conversations", """{"llm_profile_id":"fast"}""")).JsonAsync())["id"]!.GetValue<string>();

        var switched = await Server.PostAsync($"/api/conversations/{id}/llm_profile", """{"profile_id":"slow"}""");
        switched.StatusCode.Should().Be(HttpStatusCode.OK, await switched.Content.ReadAsStringAsync());
        var info = await switched.JsonAsync();
        info["llm_profile_id"]!.GetValue<string>().Should().Be("slow");
        info["agent"]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-slow");
        var meta = await File.ReadAllTextAsync(Path.Combine(Server.PersistenceDirectory, "conversations", Guid.Parse(id).ToString("N"), "meta.json"));
        JsonNode.Parse(meta)!["llm_profile_id"]!.GetValue<string>().Should().Be("slow");

        _llm.Enqueue(FakeReply.Text("one"));
        await SendAsync(id, "first");
        await _llm.WaitForRequestsAsync(1);
        await WaitIdleAsync(id);
        _llm.Requests[^1].Model.Should().Be("gpt-slow");

        await RestartAsync();
        (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["llm_profile_id"]!.GetValue<string>().Should().Be("slow");
        _llm.Enqueue(FakeReply.Text("two"));
        await SendAsync(id, "second");
        await _llm.WaitForRequestsAsync(2);
        await WaitIdleAsync(id);
        _llm.Requests[^1].Model.Should().Be("gpt-slow");
    }

    [Test]
    public async Task SetLlmProfile_UnknownProfileOrConversation_404AndNothingChanges()
    {
        await PutAsync("fast", "openai/gpt-fast");
        var id = (await (await Server.PostAsync("/api/conversations", """{"llm_profile_id":"fast"}""")).JsonAsync())["id"]!.GetValue<string>();
        (await Server.PostAsync($"/api/conversations/{id}/llm_profile", """{"profile_id":"nope"}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.PostAsync($"/api/conversations/{Guid.NewGuid()}/llm_profile", """{"profile_id":"fast"}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["llm_profile_id"]!.GetValue<string>().Should().Be("fast");
    }

    [Test]
    public async Task SetLlmProfile_Running_409AndNothingChanges()
    {
        await PutAsync("fast", "openai/gpt-fast");
        await PutAsync("slow", "openai/gpt-slow");
        var id = (await (await Server.PostAsync("/api/conversations", """{"llm_profile_id":"fast"}""")).JsonAsync())["id"]!.GetValue<string>();
        var release = new TaskCompletionSource();
        _llm.Responder = _ =>
        {
            release.Task.Wait(TimeSpan.FromSeconds(30));
            return FakeReply.Text("late");
        };
        await SendAsync(id, "block");
        await _llm.WaitForRequestsAsync(1);

        var response = await Server.PostAsync($"/api/conversations/{id}/llm_profile", """{"profile_id":"slow"}""");
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        release.SetResult();
        var info = await WaitIdleAsync(id);
        info["llm_profile_id"]!.GetValue<string>().Should().Be("fast");
        info["agent"]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-fast");
    }

    [Test]
    public async Task EditingAProfile_DoesNotChangeALiveConversation_UntilItsNextSwitch()
    {
        await PutAsync("fast", "openai/gpt-fast");
        var id = (await (await Server.PostAsync("/api/conversations", """{"llm_profile_id":"fast"}""")).JsonAsync())["id"]!.GetValue<string>();
        await PutAsync("fast", "openai/gpt-edited");
        (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["agent"]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-fast");

        (await Server.PostAsync($"/api/conversations/{id}/llm_profile", """{"profile_id":"fast"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync())["agent"]!["llm"]!["model"]!.GetValue<string>().Should().Be("openai/gpt-edited");
    }

    [Test]
    public async Task StartAliases_EachNamesTheProfile_TwoAtOnceIs422NamingThem()
    {
        await PutAsync("fast", "openai/gpt-fast");
        foreach (var body in new[] { """{"llm_profile":"fast"}""", """{"profile_name":"fast"}""", """{"agent_profile":{"name":"fast"}}""" })
        {
            var response = await Server.PostAsync("/api/conversations", body);
            response.StatusCode.Should().Be(HttpStatusCode.Created, body);
            (await response.JsonAsync())["llm_profile_id"]!.GetValue<string>().Should().Be("fast", body);
        }

        var both = await Server.PostAsync("/api/conversations", """{"llm_profile":"fast","profile_name":"fast"}""");
        both.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var text = await both.Content.ReadAsStringAsync();
        text.Should().Contain("llm_profile").And.Contain("profile_name");
        (await Server.PostAsync("/api/conversations", """{"agent_profile":{"name":"nothing-by-this-name"}}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

/// <summary>The seed PR's no-cipher rule (acceptance 66).</summary>
[Category("AgentServer")]
public sealed class LlmProfilesWithoutCipherTests : ServerTestBase
{
    protected override void Configure(AgentServerOptions options) => options.SecretKey = null;

    [Test]
    public async Task Put_SecretWithoutCipher_400SaysHowAndWritesNothing_SecretFreeSucceeds()
    {
        var refused = await Server.SendAsync(HttpMethod.Put, "/api/llm-profiles/fast", """{"llm":{"model":"openai/gpt-4o","api_key":"sk-test-nocipher-one"}}""");
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("OH_SECRET_KEY");
        File.Exists(Path.Combine(Server.PersistenceDirectory, "profiles", "fast.json")).Should().BeFalse();

        var keyless = await Server.SendAsync(HttpMethod.Put, "/api/llm-profiles/local", """{"llm":{"model":"openai/gpt-4o","base_url":"http://127.0.0.1:1/v1"}}""");
        keyless.StatusCode.Should().Be(HttpStatusCode.OK, await keyless.Content.ReadAsStringAsync());
        (await keyless.JsonAsync())["api_key_set"]!.GetValue<bool>().Should().BeFalse();
    }
}
