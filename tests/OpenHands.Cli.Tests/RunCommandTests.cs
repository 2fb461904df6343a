using System.Text.RegularExpressions;
using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

[Parallelizable(ParallelScope.All)]
public sealed partial class RunCommandTests
{
    private const string Key = "sk-test-run-one";

    [Test]
    public async Task Run_WithActiveProfile_RunsToolsPrintsEventsAndKeepsTheKeyInTheProfile()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddProfileAsync(home, server, "fake");
        server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo cli > out.txt"}"""),
            FakeReply.ToolCall("finish", """{"message": "Wrote out.txt."}"""));

        var result = await CliRunner.InProcessAsync(home, ["run", "Write out.txt"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("profile 'fake'").And.Contain("user> Write out.txt").And.Contain("-> terminal: echo cli > out.txt")
            .And.Contain("done> Wrote out.txt.").And.Contain("Status: finished");
        result.All.Should().NotContain(Key);
        File.ReadAllText(Path.Combine(home.Workspace, "out.txt")).Trim().Should().Be("cli");
        server.Requests.Should().HaveCount(2);
        server.Requests[0].Header("Authorization").Should().Be("Bearer " + Key);
        Directory.EnumerateDirectories(home.Combine("conversations")).Should().ContainSingle();
        home.AllFiles().Where(f => f.Text.Contains(Key, StringComparison.Ordinal)).Select(f => f.Relative).Should().Equal(Path.Combine("profiles", "fake.json"));
    }

    [Test]
    public async Task Run_WithProfileOption_UsesThatProfileNotTheActiveOne()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddProfileAsync(home, server, "first");
        await CliRunner.InProcessAsync(home, ["profiles", "add", "second", "--model", "openai/gpt-second", "--base-url", server.BaseUrl + "/v1"]);
        server.Enqueue(FakeReply.Text("Hello."));

        var result = await CliRunner.InProcessAsync(home, ["run", "Say hello", "--profile", "second"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("profile 'second'").And.Contain("agent> Hello.");
        server.Requests.Single().Model.Should().Be("gpt-second");
    }

    [Test]
    public async Task Run_WithoutAnyProfile_ExitsTwoWithOneLineFix()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["run", "anything"]);

        result.Exit.Should().Be(2);
        result.Stderr.Trim().Should().StartWith("error: no LLM profile is active").And.Contain("openhands profiles add").And.NotContain("\n");
    }

    [Test]
    public async Task Run_WithMissingProfile_ExitsTwo()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["run", "anything", "--profile", "ghost"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("'ghost' not found");
    }

    [Test]
    public async Task Run_WithoutTaskOrResume_ExitsTwo()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["run"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("no task given");
    }

    [Test]
    public async Task Run_OverrideWithEnvs_MaterializesTheEnvLlmAndUsesIt()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("Done."));
        var env = new Dictionary<string, string> { ["LLM_MODEL"] = "openai/gpt-env", ["LLM_API_KEY"] = Key, ["LLM_BASE_URL"] = server.BaseUrl + "/v1" };

        var result = await CliRunner.InProcessAsync(home, ["run", "Go", "--override-with-envs"], env);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("profile 'Default'");
        result.Stderr.Should().Contain("as profile 'Default'");
        result.All.Should().NotContain(Key);
        File.ReadAllText(home.Combine("profiles", "Default.json")).Should().Contain(Key).And.Contain("openai/gpt-env");
        server.Requests.Single().Header("Authorization").Should().Be("Bearer " + Key);
    }

    [Test]
    public async Task Run_OverrideWithEnvsWithoutModel_ExitsTwoNamingLlmModel()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["run", "Go", "--override-with-envs"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("LLM_MODEL");
    }

    [Test]
    public async Task Run_LlmFails_ExitsOneAndSaysHowToResume()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddProfileAsync(home, server, "fake");
        server.Responder = _ => FakeReply.Error(401, """{"error": {"message": "bad key"}}""");

        var result = await CliRunner.InProcessAsync(home, ["run", "Go"]);

        result.Exit.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("--resume").And.NotContain(Key);
    }

    [Test]
    public async Task Run_Cancelled_PausesAndResumeContinuesToTheEnd()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(30), FakeReply.Text("too late")));
        using var cts = new CancellationTokenSource();

        var running = CliRunner.InProcessAsync(home, ["run", "Long task"], cancellationToken: cts.Token);
        await server.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        var paused = await running.WaitAsync(TimeSpan.FromSeconds(10));

        paused.Exit.Should().Be(0, paused.ToString());
        var id = ResumeId().Match(paused.Stdout).Groups[1].Value;
        id.Should().NotBeEmpty(paused.Stdout);

        server.Enqueue(FakeReply.ToolCall("finish", """{"message": "Resumed and done."}"""));
        var resumed = await CliRunner.InProcessAsync(home, ["run", "--resume", id]);

        resumed.Exit.Should().Be(0, resumed.ToString());
        resumed.Stdout.Should().Contain($"Conversation {id}").And.Contain("done> Resumed and done.").And.Contain("Status: finished");
        server.Requests.Should().HaveCount(2);
        server.Requests[1].BodyText.Should().Contain("Long task");
    }

    [Test]
    public async Task Run_ResumeWithTask_AddsTheMessage()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.Text("First answer."), FakeReply.Text("Second answer."));
        var first = await CliRunner.InProcessAsync(home, ["run", "First question"]);
        var id = ConversationId().Match(first.Stdout).Groups[1].Value;

        var second = await CliRunner.InProcessAsync(home, ["run", "Second question", "--resume", id]);

        second.Exit.Should().Be(0, second.ToString());
        second.Stdout.Should().Contain("agent> Second answer.");
        server.Requests[1].BodyText.Should().Contain("First question").And.Contain("First answer.").And.Contain("Second question");
    }

    [Test]
    public async Task Run_ResumeUnknownId_ExitsTwo()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "x", "--model", "m"]);

        var bad = await CliRunner.InProcessAsync(home, ["run", "--resume", "not-an-id"]);
        var unknown = await CliRunner.InProcessAsync(home, ["run", "--resume", Guid.NewGuid().ToString("N")]);

        bad.Exit.Should().Be(2);
        unknown.Exit.Should().Be(2, unknown.ToString());
        unknown.Stderr.Should().Contain("not found");
    }

    internal static async Task AddProfileAsync(TempHome home, FakeLlmServer server, string name, string key = Key)
    {
        var added = await CliRunner.InProcessAsync(home, ["profiles", "add", name, "--model", "openai/gpt-fake", "--base-url", server.BaseUrl + "/v1", "--api-key-stdin"], stdin: key);
        added.Exit.Should().Be(0, added.ToString());
    }

    [GeneratedRegex(@"--resume ([0-9a-f]{32})")]
    internal static partial Regex ResumeId();

    [GeneratedRegex(@"Conversation ([0-9a-f]{32})")]
    internal static partial Regex ConversationId();

    [GeneratedRegex(@"\(profile '([^']+)'")]
    internal static partial Regex ProfileInUse();
}
