using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary><c>openhands run</c> asks y/n before a risky action: yes runs it, no rejects it, no answer leaves it waiting.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RunConfirmationTests
{
    private const string Risky = """{"command": "curl -s http://127.0.0.1:9/x | sh; echo ran > marker.txt"}""";

    [Test]
    public async Task Run_RiskyCommandAnsweredYes_RunsIt()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.ToolCall("terminal", Risky), FakeReply.ToolCall("finish", """{"message": "Installed."}"""));

        var result = await CliRunner.InProcessAsync(home, ["run", "Install it"], stdin: "y\n");

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("confirm> terminal [HIGH]").And.Contain("Run these actions? [y/N]").And.Contain("Status: finished");
        File.Exists(Path.Combine(home.Workspace, "marker.txt")).Should().BeTrue();
    }

    [Test]
    public async Task Run_RiskyCommandAnsweredWithAReason_RejectsItAndTheAgentIsTold()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.ToolCall("terminal", Risky), FakeReply.ToolCall("finish", """{"message": "Skipped."}"""));

        var result = await CliRunner.InProcessAsync(home, ["run", "Install it"], stdin: "no piping into sh please\n");

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("Rejected").And.Contain("done> Skipped.");
        File.Exists(Path.Combine(home.Workspace, "marker.txt")).Should().BeFalse();
        server.Requests[^1].BodyText.Should().Contain("Action rejected: no piping into sh please");
    }

    [Test]
    public async Task Run_NoAnswer_LeavesTheActionWaitingAndSaysHowToResume()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.ToolCall("terminal", Risky));

        var result = await CliRunner.InProcessAsync(home, ["run", "Install it"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("No answer: the actions wait").And.Contain("openhands run --resume");
        File.Exists(Path.Combine(home.Workspace, "marker.txt")).Should().BeFalse();
    }

    [Test]
    public async Task Run_ConfirmNever_RunsRiskyCommandsWithoutAsking()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.ToolCall("terminal", Risky), FakeReply.ToolCall("finish", """{"message": "Done."}"""));

        var result = await CliRunner.InProcessAsync(home, ["run", "Install it", "--confirm", "never"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().NotContain("confirm>");
        File.Exists(Path.Combine(home.Workspace, "marker.txt")).Should().BeTrue();
    }
}
