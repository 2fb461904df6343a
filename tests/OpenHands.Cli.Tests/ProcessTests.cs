using System.Runtime.InteropServices;
using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary>The CLI as users run it: <c>dotnet openhands.dll</c> with HOME pointing at a temporary folder.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Process")]
public sealed class ProcessTests
{
    [Test]
    public async Task Process_HelpAndUsageError_ExitZeroAndTwo()
    {
        using var home = TempHome.Create();

        var help = await CliRunner.ProcessAsync(home, ["--help"]);
        var usage = await CliRunner.ProcessAsync(home, ["profiles", "frobnicate"]);

        help.Exit.Should().Be(0, help.ToString());
        help.Stdout.Should().Contain("profiles").And.Contain("migrate").And.Contain("run").And.Contain("Exit codes");
        usage.Exit.Should().Be(2);
        usage.Stderr.Should().StartWith("error: ");
    }

    [Test]
    public async Task Process_ProfileCommands_UseTildeOpenHandsUnderHome()
    {
        using var home = TempHome.Create();

        var add = await CliRunner.ProcessAsync(home, ["profiles", "add", "fast", "--model", "openai/gpt-fast", "--api-key-stdin"], stdin: "sk-test-process-one\n");
        var list = await CliRunner.ProcessAsync(home, ["profiles", "list"]);
        var rename = await CliRunner.ProcessAsync(home, ["profiles", "rename", "fast", "quick"]);
        var activate = await CliRunner.ProcessAsync(home, ["profiles", "activate", "quick"]);
        var show = await CliRunner.ProcessAsync(home, ["profiles", "show", "quick", "--json"]);
        var remove = await CliRunner.ProcessAsync(home, ["profiles", "remove", "quick"]);

        new[] { add, list, rename, activate, show, remove }.Select(r => r.Exit).Should().AllBeEquivalentTo(0);
        list.Stdout.Should().Contain("* ").And.Contain("fast");
        show.Stdout.Should().Contain("\"api_key\": \"**********\"");
        File.Exists(home.Combine("profiles", "quick.json")).Should().BeFalse();
        new[] { add, list, rename, activate, show, remove }.Should().AllSatisfy(r => r.All.Should().NotContain("sk-test-process-one"));
    }

    [Test]
    public async Task Process_Sigint_PausesTheRunAndResumeFinishesIt()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGINT is sent with kill(2), which Windows does not have.");
        }

        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "fake");
        server.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(30), FakeReply.Text("too late")));

        using var process = CliRunner.Start(home, ["run", "Long task"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        await server.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(20));
        Kill(process.Id, 2).Should().Be(0);
        var paused = await CliRunner.CompleteAsync(process, stdout: stdout);

        paused.Exit.Should().Be(0, paused.ToString());
        paused.Stdout.Should().Contain("Paused and saved");
        var id = RunCommandTests.ResumeId().Match(paused.Stdout).Groups[1].Value;
        id.Should().NotBeEmpty();

        server.Enqueue(FakeReply.ToolCall("finish", """{"message": "Finished after resume."}"""));
        var resumed = await CliRunner.ProcessAsync(home, ["run", "--resume", id]);

        resumed.Exit.Should().Be(0, resumed.ToString());
        resumed.Stdout.Should().Contain("done> Finished after resume.").And.Contain("Status: finished");
    }

    /// <summary>
    /// Canary: a key that enters through a legacy file (migrate) and through the environment (run --override-with-envs)
    /// ends up only in profile files (and the 0600 backup of the original legacy file), never on stdout or stderr.
    /// </summary>
    [Test]
    public async Task Canary_MigrateRunAndShow_KeyOnlyInProfileFilesNeverPrinted()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        var canary = "sk-test-CANARY-" + Guid.NewGuid().ToString("N");
        home.Write("agent_settings.json", MigrateCommandTests.PythonCliAgentSettings(canary));
        server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo canary-run > run.txt"}"""),
            FakeReply.ToolCall("finish", """{"message": "ok"}"""));
        var env = new Dictionary<string, string> { ["LLM_MODEL"] = "openai/gpt-canary", ["LLM_API_KEY"] = canary, ["LLM_BASE_URL"] = server.BaseUrl + "/v1" };

        var results = new List<CliResult>
        {
            await CliRunner.ProcessAsync(home, ["migrate"]),
            await CliRunner.ProcessAsync(home, ["run", "Write run.txt", "--override-with-envs"], env),
            await CliRunner.ProcessAsync(home, ["profiles", "show", "Default"]),
        };

        // Default holds the migrated agent LLM, so the env LLM (same key, other model) has a profile of its own.
        var envProfile = Path.GetFileNameWithoutExtension(Directory.GetFiles(home.Combine("profiles"), "Default-*.json").Should().ContainSingle().Subject);
        results.Add(await CliRunner.ProcessAsync(home, ["profiles", "show", envProfile, "--json"]));
        results.Add(await CliRunner.ProcessAsync(home, ["profiles", "list", "--json"]));
        results.Add(await CliRunner.ProcessAsync(home, ["migrate"]));

        results.Should().AllSatisfy(r => r.Exit.Should().Be(0, r.ToString()));
        results.Should().AllSatisfy(r => r.All.Should().NotContain(canary).And.NotContain("CANARY"));
        server.Requests.Should().HaveCount(2).And.AllSatisfy(r => r.Header("Authorization").Should().Be("Bearer " + canary));
        home.AllFiles().Where(f => f.Text.Contains(canary, StringComparison.Ordinal)).Select(f => f.Relative).Should().BeEquivalentTo(
            Path.Combine("profiles", "Default.json"), Path.Combine("profiles", envProfile + ".json"), "agent_settings.json.bak");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
