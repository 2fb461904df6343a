using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary>
/// A CLI that shows what it does (issue 16, item 3): a retry prints one line, <c>run --json</c> writes one event per
/// line, <c>conversations list|show|delete</c>, examples in every help, shell completion, and hints that keep every
/// option the user gave.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class OperatingTests
{
    private const string Key = "sk-test-operating-one";

    [Test]
    public async Task Run_LlmCallRetried_PrintsOneLineSayingWhatFailedAndWhenTheNextTryIs()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "flaky", Key);
        EditProfile(home, "flaky", p =>
        {
            p["num_retries"] = 2;
            p["retry_min_wait"] = 1;
            p["retry_max_wait"] = 1;
            p["retry_multiplier"] = 1;
        });
        server.Enqueue(FakeReply.Error(503, """{"error": {"message": "overloaded"}}"""), FakeReply.Text("Second try worked."));

        var result = await CliRunner.InProcessAsync(home, ["run", "Say hi"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("agent> Second try worked.");
        var retryLines = result.Stderr.Split('\n').Where(l => l.Contains("Retrying", StringComparison.Ordinal)).ToList();
        retryLines.Should().ContainSingle(result.ToString());
        retryLines[0].Should().StartWith("warning: ").And.Contain("attempt 1 of 2").And.Contain("503").And.Contain("Retrying in 1 s");
        result.All.Should().NotContain(Key);
        server.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task Run_Json_WritesEachEventAsOneJsonLineAndEverythingElseToStderr()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake", Key);
        server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo json-run"}"""),
            FakeReply.ToolCall("finish", """{"message": "Echoed."}"""));

        var result = await CliRunner.InProcessAsync(home, ["run", "--json", "Echo something"]);

        result.Exit.Should().Be(0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        events.Select(e => e.GetProperty("kind").GetString()).Should()
            .StartWith("SystemPromptEvent").And.Contain("MessageEvent").And.Contain("ActionEvent").And.Contain("ObservationEvent");
        events.Should().AllSatisfy(e => e.TryGetProperty("id", out _).Should().BeTrue());
        events.Single(e => e.GetProperty("kind").GetString() == "ActionEvent" && e.GetProperty("tool_name").GetString() == "terminal")
            .GetProperty("tool_call_id").GetString().Should().NotBeNullOrEmpty();
        result.Stdout.Should().NotContain("Conversation ").And.NotContain("Status:");
        result.Stderr.Should().Contain("Conversation ").And.Contain("Status: finished");
        result.All.Should().NotContain(Key);
    }

    [Test]
    public async Task Conversations_ListShowDelete_WorkOnTheRunsConversations()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake", Key);
        server.Enqueue(FakeReply.Text("First answer."));
        var first = await CliRunner.InProcessAsync(home, ["run", "The first task"]);
        first.Exit.Should().Be(0, first.ToString());
        var id = Directory.EnumerateDirectories(home.Combine("conversations")).Select(Path.GetFileName).Single()!;

        var list = await CliRunner.InProcessAsync(home, ["conversations", "list"]);
        list.Exit.Should().Be(0, list.ToString());
        list.Stdout.Should().Contain(id).And.Contain("finished").And.Contain("fake").And.Contain("The first task");

        var listJson = await CliRunner.InProcessAsync(home, ["conversations", "list", "--json"]);
        var row = JsonDocument.Parse(listJson.Stdout).RootElement.GetProperty("conversations").EnumerateArray().Single();
        row.GetProperty("id").GetString().Should().Be(id);
        row.GetProperty("status").GetString().Should().Be("finished");
        row.GetProperty("profile").GetString().Should().Be("fake");
        row.GetProperty("title").GetString().Should().Be("The first task");

        var show = await CliRunner.InProcessAsync(home, ["conversations", "show", id]);
        show.Exit.Should().Be(0, show.ToString());
        show.Stdout.Should().Contain("status:    finished").And.Contain("user> The first task").And.Contain("agent> First answer.")
            .And.Contain("openhands run --resume " + id);

        var showJson = await CliRunner.InProcessAsync(home, ["conversations", "show", id, "--json"]);
        showJson.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString())
            .Should().Contain("MessageEvent");

        var delete = await CliRunner.InProcessAsync(home, ["conversations", "delete", id]);
        delete.Exit.Should().Be(0, delete.ToString());
        Directory.Exists(home.Combine("conversations", id)).Should().BeFalse();
        (await CliRunner.InProcessAsync(home, ["conversations", "list"])).Stdout.Should().Contain("No conversations");
        (await CliRunner.InProcessAsync(home, ["conversations", "show", id])).Exit.Should().Be(2);
        var again = await CliRunner.InProcessAsync(home, ["conversations", "delete", id]);
        again.Exit.Should().Be(2);
        again.Stderr.Should().StartWith("error: ").And.Contain("conversations list");
        (await CliRunner.InProcessAsync(home, ["conversations", "show", "not-an-id"])).Exit.Should().Be(2);
        home.AllFiles().Where(f => f.Text.Contains(Key, StringComparison.Ordinal)).Select(f => f.Relative).Should().Equal(Path.Combine("profiles", "fake.json"));
    }

    [TestCase]
    [TestCase("profiles")]
    [TestCase("profiles", "list")]
    [TestCase("profiles", "show")]
    [TestCase("profiles", "add")]
    [TestCase("profiles", "remove")]
    [TestCase("profiles", "rename")]
    [TestCase("profiles", "activate")]
    [TestCase("migrate")]
    [TestCase("run")]
    [TestCase("conversations")]
    [TestCase("conversations", "list")]
    [TestCase("conversations", "show")]
    [TestCase("conversations", "delete")]
    public async Task Help_OfEveryCommand_HasExamplesOfThatCommand(params string[] command)
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, [.. command, "--help"]);

        result.Exit.Should().Be(0, result.ToString());
        var examples = result.Stdout[(result.Stdout.IndexOf("Examples:", StringComparison.Ordinal) + 1)..];
        result.Stdout.Should().Contain("Examples:");
        examples.Should().Contain(string.Join(' ', ["openhands", .. command]));
    }

    [TestCase("prof", "profiles")]
    [TestCase("conv", "conversations")]
    public async Task Suggest_Directive_CompletesCommandNames(string partial, string expected)
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["[suggest]", partial]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Split('\n', StringSplitOptions.TrimEntries).Should().Contain(expected).And.NotContain("migrate");
    }

    [Test]
    public async Task Suggest_Directive_CompletesSubcommandsAndOptions()
    {
        using var home = TempHome.Create();

        // As dotnet-suggest and the bash function in docs/cli.md call it: the cursor position in the whole line.
        var sub = await CliRunner.InProcessAsync(home, ["[suggest:25]", "openhands conversations s"]);
        var option = await CliRunner.InProcessAsync(home, ["[suggest:18]", "openhands run --js"]);

        sub.Stdout.Split('\n', StringSplitOptions.TrimEntries).Should().Contain("show");
        option.Stdout.Split('\n', StringSplitOptions.TrimEntries).Should().Contain("--json");
    }

    [Test]
    public async Task ProfilesAdd_WithoutKey_HintKeepsTheBaseUrlAndFollowingItKeepsIt()
    {
        using var home = TempHome.Create();
        const string baseUrl = "http://127.0.0.1:4000/v1";

        var added = await CliRunner.InProcessAsync(home, ["profiles", "add", "proxy", "--model", "litellm_proxy/claude", "--base-url", baseUrl]);

        added.Exit.Should().Be(0, added.ToString());
        var hint = added.Stderr.Split('\n').Single(l => l.Contains("--api-key-stdin", StringComparison.Ordinal));
        hint.Should().Contain("--base-url " + baseUrl).And.Contain("--model litellm_proxy/claude");
        var suggested = hint[(hint.IndexOf("| openhands ", StringComparison.Ordinal) + "| openhands ".Length)..].Trim().Split(' ');
        var followed = await CliRunner.InProcessAsync(home, suggested, stdin: Key + "\n");
        followed.Exit.Should().Be(0, followed.ToString());
        var profile = JsonNode.Parse(File.ReadAllText(home.Combine("profiles", "proxy.json")))!;
        ((string?)profile["base_url"]).Should().Be(baseUrl, "following the hint must not erase the base URL");
        ((string?)profile["api_key"]).Should().Be(Key);
    }

    private static void EditProfile(TempHome home, string name, Action<JsonObject> edit)
    {
        var path = home.Combine("profiles", name + ".json");
        var profile = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(profile);
        File.WriteAllText(path, profile.ToJsonString());
    }
}
