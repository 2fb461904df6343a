using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing.McpServer;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// MCP on the real server: <c>POST /api/mcp/test</c> against real servers (the npm <c>server-everything</c> and the C#
/// test server over stdio, the C# test server over HTTP), and conversations whose agent calls MCP tools.
/// </summary>
[Category("AgentServer")]
[Category("Mcp")]
public sealed class McpEndpointsTests : LlmServerTestBase
{
    private static JsonObject NodeServer(string script, JsonObject? env = null) => new()
    {
        ["command"] = "node",
        ["args"] = new JsonArray(script, "stdio"),
        ["env"] = env ?? [],
    };

    private async Task<JsonNode> TestAsync(JsonObject body)
    {
        var response = await Server.PostAsync("/api/mcp/test", body.ToJsonString());
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [Test]
    public async Task Test_NpmServerEverythingOverStdio_ListsItsTools()
    {
        var script = await NpmMcpEverything.EnsureInstalledAsync();

        var result = await TestAsync(new JsonObject { ["name"] = "everything", ["server"] = NodeServer(script), ["timeout"] = 60 });

        result["ok"]!.GetValue<bool>().Should().BeTrue(result.ToJsonString());
        result["tools"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain(["echo", "get-env"]);
    }

    [Test]
    public async Task Test_CSharpServerOverStdioAndHttp_ListsItsTools()
    {
        await using var http = await McpTestServer.StartHttpAsync();

        var stdio = await TestAsync(new JsonObject
        {
            ["server"] = new JsonObject { ["type"] = "stdio", ["command"] = "dotnet", ["args"] = new JsonArray(McpTestServer.StdioAssemblyPath) },
            ["timeout"] = 60,
        });
        var remote = await TestAsync(new JsonObject { ["server"] = new JsonObject { ["type"] = "http", ["url"] = http.Url.ToString() } });

        stdio["ok"]!.GetValue<bool>().Should().BeTrue(stdio.ToJsonString());
        stdio["tools"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain("echo");
        remote["ok"]!.GetValue<bool>().Should().BeTrue(remote.ToJsonString());
        remote["tools"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain(["echo", "read_env"]);
    }

    [Test]
    public async Task Test_ServerThatCannotStart_IsOkFalseWithoutTheSecret()
    {
        const string Canary = "sk-test-mcp-test-canary";
        var result = await TestAsync(new JsonObject
        {
            ["server"] = new JsonObject { ["command"] = Path.Combine(Dir.Path, "no-such-mcp-server"), ["env"] = new JsonObject { ["TOKEN"] = Canary } },
            ["timeout"] = 10,
        });

        result["ok"]!.GetValue<bool>().Should().BeFalse();
        result["error_kind"]!.GetValue<string>().Should().Be("connection");
        result["error"]!.GetValue<string>().Should().Contain("test-server");
        result.ToJsonString().Should().NotContain(Canary);
    }

    [TestCase("""{}""", "server")]
    [TestCase("""{"server": {"type": "stdio"}}""", "command")]
    [TestCase("""{"server": {"type": "http"}}""", "url")]
    [TestCase("""{"server": {"type": "carrier-pigeon", "command": "x"}}""", "type")]
    [TestCase("""{"server": {"command": "x"}, "timeout": 0}""", "timeout")]
    [TestCase("""{"server": {"command": "x"}, "timeout": 121}""", "timeout")]
    [TestCase("""{"server": {"url": "ftp://127.0.0.1/x"}}""", "server")]
    [TestCase("""{"server": {"command": "x"}, "tool_call": {"name": "echo"}}""", "tool_call")]
    public async Task Test_BadBody_Is422NamingTheField(string body, string field)
    {
        var response = await Server.PostAsync("/api/mcp/test", body);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync())["detail"]![0]!["loc"]!.AsArray().Select(l => l!.ToString()).Should().Contain(field);
    }

    [Test]
    public async Task Conversation_NpmServerOverStdio_AgentCallsAToolAndTheEnvCanaryIsInNoFile()
    {
        const string Canary = "sk-test-mcp-env-canary";
        var script = await NpmMcpEverything.EnsureInstalledAsync();
        await SaveProfileAsync("fast");
        Llm.Enqueue(
            FakeReply.ToolCall("echo", """{"message": "hello over stdio"}""", "call_echo"),
            FakeReply.ToolCall("get-env", "{}", "call_env"),
            FakeReply.Text("Done with MCP."));
        var id = await StartAsync(new JsonObject
        {
            ["llm_profile"] = "fast",
            ["agent"] = new JsonObject
            {
                ["mcp_config"] = new JsonObject { ["mcpServers"] = new JsonObject { ["everything"] = NodeServer(script, new JsonObject { ["EVERYTHING_CANARY"] = Canary }) } },
            },
        });

        await SendAsync(id, "Use the MCP tools.", run: true);
        await WaitForStatusAsync(id, "finished", "error", "stuck");

        var tools = Llm.Requests[0].BodyText;
        tools.Should().Contain("\"echo\"").And.Contain("\"get-env\"");
        var observations = (await EventsAsync(id)).Where(e => EventSocket.Kind(e) == "ObservationEvent").Select(e => e!.ToJsonString()).ToList();
        observations.Should().Contain(o => o.Contains("hello over stdio"), "the tool's result is an observation");
        observations.Should().Contain(o => o.Contains("get-env"));
        FilesContaining(Canary).Should().BeEmpty("MCP env values are secrets");
        (await EventsAsync(id)).ToJsonString().Should().NotContain(Canary);
        Llm.Requests.Should().NotContain(r => r.BodyText.Contains(Canary));
    }

    [Test]
    public async Task Conversation_CSharpServerOverHttp_AgentCallsATool()
    {
        const string Canary = "sk-test-mcp-header-canary";
        await using var http = await McpTestServer.StartHttpAsync();
        await SaveProfileAsync("fast");
        Llm.Enqueue(FakeReply.ToolCall("echo", """{"text": "hello over http"}""", "call_echo"), FakeReply.Text("Done."));
        var id = await StartAsync(new JsonObject
        {
            ["llm_profile"] = "fast",
            ["agent"] = new JsonObject
            {
                ["mcp_config"] = new JsonObject
                {
                    ["mcpServers"] = new JsonObject { ["remote"] = new JsonObject { ["url"] = http.Url.ToString(), ["headers"] = new JsonObject { ["X-Api-Key"] = Canary } } },
                },
            },
        });

        await SendAsync(id, "Echo over HTTP.", run: true);
        await WaitForStatusAsync(id, "finished", "error", "stuck");

        (await EventsAsync(id)).Where(e => EventSocket.Kind(e) == "ObservationEvent").Select(e => e!.ToJsonString())
            .Should().Contain(o => o.Contains("echo: hello over http"));
        http.Headers.Should().Contain(("X-Api-Key", Canary), "the header reached the server");
        FilesContaining(Canary).Should().BeEmpty("MCP headers are secrets");
    }
    [TestCase(null, true)]
    [TestCase("[\"remote\"]", true)]
    [TestCase("[]", false)]
    public async Task Conversation_AgentProfileLaunch_OffersTheUsersMcpServersItRefersTo(string? refs, bool offered)
    {
        await using var http = await McpTestServer.StartHttpAsync();
        await SaveProfileAsync("fast");
        var patch = await Server.PatchAsync("/api/settings", new JsonObject
        {
            ["agent_settings_diff"] = new JsonObject
            {
                ["mcp_config"] = new JsonObject { ["mcpServers"] = new JsonObject { ["remote"] = new JsonObject { ["url"] = http.Url.ToString() } } },
            },
        }.ToJsonString());
        patch.StatusCode.Should().Be(HttpStatusCode.OK, await patch.Content.ReadAsStringAsync());
        var saved = await Server.PostAsync("/api/agent-profiles/with-mcp", "{\"llm_profile_ref\":\"fast\",\"mcp_server_refs\":" + (refs ?? "null") + "}");
        saved.StatusCode.Should().Be(HttpStatusCode.Created, await saved.Content.ReadAsStringAsync());
        var profileId = (await (await Server.GetAsync("/api/agent-profiles/with-mcp")).JsonAsync())["profile"]!["id"]!.GetValue<string>();
        Llm.Enqueue(offered ? FakeReply.ToolCall("echo", """{"text": "hello from settings"}""", "call_echo") : FakeReply.Text("No tools."), FakeReply.Text("Done."));

        var id = await StartAsync(new JsonObject { ["agent_profile_id"] = profileId });
        await SendAsync(id, "Echo.", run: true);
        await WaitForStatusAsync(id, "finished", "error", "stuck");

        if (offered)
        {
            Llm.Requests[0].BodyText.Should().Contain("\"echo\"", "the profile's MCP server is offered");
            (await EventsAsync(id)).Where(e => EventSocket.Kind(e) == "ObservationEvent").Select(e => e!.ToJsonString())
                .Should().Contain(o => o.Contains("echo: hello from settings"));
        }
        else
        {
            Llm.Requests[0].BodyText.Should().NotContain("\"echo\"", "mcp_server_refs [] means no MCP server");
        }
    }
}
