using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// A key carried in <c>extra_headers</c> is a secret like <c>api_key</c> on the real server: it reaches the provider,
/// and it is in no response without <c>X-Expose-Secrets</c> and in no file but the profile (there only as a Fernet
/// token when a cipher is set).
/// </summary>
[Category("AgentServer")]
[TestFixture(true)]
[TestFixture(false)]
public sealed class SecretHeaderTests(bool withCipher) : ServerTestBase
{
    private const string Canary = "sk-test-canary-header";

    private FakeLlmServer _llm = null!;

    [SetUp]
    public async Task StartLlmAsync() => _llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync() => await _llm.DisposeAsync();

    protected override void Configure(AgentServerOptions options)
    {
        if (withCipher)
        {
            options.SecretKey = "server-test-secret-key-for-headers";
        }
    }

    [Test]
    public async Task HeaderCanary_ReachesTheProviderButNoResponseAndNoFileOutsideTheProfile()
    {
        var llm = new JsonObject
        {
            ["model"] = "openai/gpt-hdr",
            ["api_key"] = "sk-test-hdr-key",
            ["base_url"] = _llm.BaseUrl + "/v1",
            ["num_retries"] = 0,
            ["extra_headers"] = new JsonObject { ["api-key"] = Canary, ["X-Trace"] = "visible" },
        };
        var bodies = new List<string>();
        async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(expected, text);
            bodies.Add(text);
            return JsonNode.Parse(text)!;
        }

        await ReadAsync(await Server.PostAsync("/api/profiles/hdr", new JsonObject { ["llm"] = llm }.ToJsonString()), HttpStatusCode.Created);
        await ReadAsync(await Server.PostAsync("/api/profiles/hdr/activate"), HttpStatusCode.OK);
        var id = (await ReadAsync(await Server.PostAsync("/api/conversations", "{\"llm_profile\":\"hdr\"}"), HttpStatusCode.Created))["id"]!.GetValue<string>();
        _llm.Enqueue(FakeReply.Text("done"));
        await ReadAsync(await Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "hello" }),
            ["run"] = true,
        }.ToJsonString()), HttpStatusCode.OK);
        await _llm.WaitForRequestsAsync(1);
        await WaitUntilDoneAsync(id);

        var detail = await ReadAsync(await Server.GetAsync("/api/profiles/hdr"), HttpStatusCode.OK);
        await ReadAsync(await Server.GetAsync("/api/profiles"), HttpStatusCode.OK);
        await ReadAsync(await Server.GetAsync("/api/settings"), HttpStatusCode.OK);
        await ReadAsync(await Server.GetAsync($"/api/conversations/{id}"), HttpStatusCode.OK);
        await ReadAsync(await Server.GetAsync("/api/conversations/search"), HttpStatusCode.OK);
        await ReadAsync(await Server.GetAsync($"/api/conversations/{id}/events/search"), HttpStatusCode.OK);

        _llm.Requests.Should().ContainSingle().Which.Header("api-key").Should().Be(Canary, "the header does reach the provider");
        detail["config"]!["extra_headers"]!["X-Trace"]!.GetValue<string>().Should().Be("visible", "only credential headers are secrets");
        bodies.Should().NotContain(b => b.Contains(Canary, StringComparison.Ordinal));

        var holders = Directory.EnumerateFiles(Dir.Path, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains(Canary, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Dir.Path, f))
            .ToList();
        if (withCipher)
        {
            holders.Should().BeEmpty("with a cipher the header is a Fernet token even in the profile");
        }
        else
        {
            holders.Should().Equal([Path.Combine("profiles", "hdr.json")], "without a cipher only the profile holds it, like the api_key");
        }

        var exposed = await Server.GetAsync("/api/profiles/hdr", ("X-Expose-Secrets", "plaintext"));
        (await exposed.Content.ReadAsStringAsync()).Should().Contain(Canary, "exposure on request still returns it");
    }

    private async Task WaitUntilDoneAsync(string id)
    {
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
}
