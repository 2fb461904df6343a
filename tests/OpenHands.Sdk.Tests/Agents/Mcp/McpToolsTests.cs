using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Mcp;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Conversations;
using OpenHands.Testing.McpServer;

namespace OpenHands.Sdk.Tests.Agents.Mcp;

/// <summary>
/// MCP tools against a real MCP server built with the official C# SDK: started as a process over stdio, and hosted over
/// Streamable HTTP on loopback. The agent (a scripted fake LLM) calls its tools like built-in ones.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Mcp")]
public sealed class McpToolsTests
{
    private const string EnvCanary = "sk-test-mcpenv";
    private const string HeaderCanary = "sk-test-mcphdr";

    [Test]
    public async Task RunAsync_StdioServer_ToolsAreOfferedCalledAndObservedAndTheEnvCanaryIsNowhere()
    {
        await using var kit = await ConversationTestKit.StartAsync(new Cipher("test-mcp-key"));
        using var logs = new CollectingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        kit.Server.Enqueue(
            FakeReply.ToolCall("echo", """{"text": "hello over stdio"}"""),
            FakeReply.ToolCall("read_env", """{"name": "MCP_TOKEN"}"""),
            FakeReply.ToolCall("finish", """{"message": "done"}"""));
        var factory = new ConversationFactory(new ConversationFactoryOptions
        {
            PersistenceDirectory = kit.Conversations, ProfileStore = kit.Store, Cipher = new Cipher("test-mcp-key"), LoggerFactory = loggerFactory,
        });
        var agent = new Agent(kit.Llm()) { McpConfig = McpConfig.Empty.With("tests", Stdio()) };
        await using var conversation = await factory.StartAsync(agent, kit.Options());

        await conversation.SendMessageAsync("Use the MCP tools.");
        var result = await conversation.RunAsync();

        result.Status.Should().Be(ConversationExecutionStatus.Finished);
        using (var first = kit.Server.Requests[0].Body!)
        {
            first.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString())
                .Should().Contain(["echo", "read_env", "finish"]);
        }

        var observations = conversation.Events.OfType<ObservationEvent>().ToList();
        observations[0].ObservationKind.Should().Be("MCPToolObservation");
        observations[0].Text.Should().Be("[Tool 'echo' executed.]\necho: hello over stdio");
        observations[0].ObservationFields["tool_name"].GetString().Should().Be("echo");
        observations[1].Text.Should().Be("[Tool 'read_env' executed.]\n<secret-hidden>", "the server saw the value; nothing recorded shows it");
        var action = conversation.Events.OfType<ActionEvent>().First();
        action.Action!.Value.GetRawText().Should().Be("""{"data":{"text":"hello over stdio"},"kind":"MCPToolAction"}""");

        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains(EnvCanary, StringComparison.Ordinal));
        kit.Server.Requests.Should().NotContain(r => r.BodyText.Contains(EnvCanary, StringComparison.Ordinal));
        logs.Text.Should().NotContain(EnvCanary);
        File.ReadAllText(Path.Combine(conversation.Directory!, "base_state.json")).Should().Contain("\"mcpServers\":{\"tests\":{\"command\":\"dotnet\"")
            .And.Contain("\"MCP_TOKEN\":\"gAAAAA", "the env value is kept only as a token");
    }

    [Test]
    public async Task RunAsync_HttpServer_ToolIsCalledWithTheHeadersAndTheHeaderCanaryIsNowhere()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        await using var mcp = await McpTestServer.StartHttpAsync();
        kit.Server.Enqueue(FakeReply.ToolCall("echo", """{"text": "hello over http"}"""), FakeReply.ToolCall("finish", """{"message": "done"}"""));
        var server = new McpHttpServerConfig(mcp.Url) { Headers = ImmutableDictionary<string, SecretString>.Empty.Add("Authorization", new SecretString("Bearer " + HeaderCanary)) };
        await using var conversation = await kit.Factory().StartAsync(new Agent(kit.Llm()) { McpConfig = McpConfig.Empty.With("remote", server) }, kit.Options());

        await conversation.SendMessageAsync("Echo.");
        await conversation.RunAsync();

        conversation.Events.OfType<ObservationEvent>().First().Text.Should().Be("[Tool 'echo' executed.]\necho: hello over http");
        mcp.Headers.Should().Contain(("Authorization", "Bearer " + HeaderCanary), "the header reached the server");
        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains(HeaderCanary, StringComparison.Ordinal));
        File.ReadAllText(Path.Combine(conversation.Directory!, "base_state.json")).Should().Contain("\"Authorization\":\"**********\"", "no cipher: redacted");
    }

    [Test]
    public async Task RestoreAsync_WithTheCipher_ReconnectsWithTheEnvironment()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var cipher = new Cipher("test-mcp-key");
        ConversationFactory Factory() => new(new ConversationFactoryOptions { PersistenceDirectory = kit.Conversations, ProfileStore = kit.Store, Cipher = cipher });
        Guid id;
        await using (var conversation = await Factory().StartAsync(new Agent(kit.Llm()) { McpConfig = McpConfig.Empty.With("tests", Stdio()) }, kit.Options()))
        {
            id = conversation.Id;
        }

        kit.Server.Enqueue(FakeReply.ToolCall("read_env", """{"name": "MCP_TOKEN"}"""), FakeReply.ToolCall("finish", """{"message": "done"}"""));
        await using var restored = await Factory().RestoreAsync(id);
        restored.Agent.McpConfig!.Servers["tests"].Should().BeOfType<McpStdioServerConfig>().Which.Env["MCP_TOKEN"].Reveal().Should().Be(EnvCanary);
        await restored.SendMessageAsync("Read it.");
        await restored.RunAsync();

        restored.Events.OfType<ObservationEvent>().First().Text.Should().EndWith("<secret-hidden>");
    }

    [Test]
    public async Task TestAsync_GoodAndBadServers_ListsToolsAndReportsTheFailureWithoutSecrets()
    {
        await using var mcp = await McpTestServer.StartHttpAsync();
        var config = McpConfig.Empty
            .With("stdio", Stdio())
            .With("http", new McpHttpServerConfig(mcp.Url))
            .With("broken", new McpStdioServerConfig("/nonexistent/mcp-server-binary") { Env = ImmutableDictionary<string, SecretString>.Empty.Add("K", new SecretString(EnvCanary)) });

        var results = await McpServerTester.TestAsync(config, TimeSpan.FromSeconds(30));

        results.Select(r => r.Server).Should().Equal("broken", "http", "stdio");
        results[0].Succeeded.Should().BeFalse();
        results[0].Error.Should().StartWith("MCP server 'broken' failed:").And.NotContain(EnvCanary);
        results[1].Tools.Should().BeEquivalentTo("echo", "read_env");
        results[2].Succeeded.Should().BeTrue();
        results[2].Tools.Should().BeEquivalentTo("echo", "read_env");
    }

    [Test]
    public void Parse_PythonShape_ReadsStdioAndHttpServersWithSecrets()
    {
        var config = McpConfig.Parse("""
            {"mcpServers": {
              "fetch": {"command": "uvx", "args": ["mcp-server-fetch"], "env": {"TOKEN": "sk-test-env-one"}},
              "remote": {"url": "https://mcp.example.invalid/mcp", "headers": {"Authorization": "Bearer sk-test-hdr-one"}, "transport": "http"}
            }}
            """);

        var fetch = config.Servers["fetch"].Should().BeOfType<McpStdioServerConfig>().Subject;
        fetch.Command.Should().Be("uvx");
        fetch.Args.Should().Equal("mcp-server-fetch");
        fetch.Env["TOKEN"].Reveal().Should().Be("sk-test-env-one");
        fetch.Env["TOKEN"].ToString().Should().Be("**********");
        config.Servers["remote"].Should().BeOfType<McpHttpServerConfig>().Which.Url.Should().Be(new Uri("https://mcp.example.invalid/mcp"));
        McpConfig.Parse("""{"flat": {"command": "x"}}""").Servers.Should().ContainKey("flat", "the flat shape of agent settings reads too");
        var act = () => McpConfig.Parse("""{"mcpServers": {"bad": {"args": []}}}""");
        act.Should().Throw<ArgumentException>().WithMessage("*'bad'*command*url*");
    }

    private static McpStdioServerConfig Stdio() => new("dotnet", [McpTestServer.StdioAssemblyPath])
    {
        Env = ImmutableDictionary<string, SecretString>.Empty.Add("MCP_TOKEN", new SecretString(EnvCanary)),
    };
}
