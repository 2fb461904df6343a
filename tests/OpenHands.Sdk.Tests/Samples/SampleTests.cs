using System.Diagnostics;
using OpenHands.Testing;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Samples;

/// <summary>The samples are programs people copy: they run here as real processes, against the fake LLM server.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Samples")]
public sealed class SampleTests
{
    [Test]
    public async Task QuickStart_WithModelAndTask_RunsTheTaskAndKeepsTheKeyInTheProfileOnly()
    {
        using var dir = TempDirectory.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        var workspace = dir.Combine("work");
        Directory.CreateDirectory(workspace);
        server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo quickstart > out.txt"}"""),
            FakeReply.ToolCall("finish", """{"message": "Wrote out.txt."}"""));

        var (exit, stdout, stderr) = await RunAsync("QuickStart.dll", ["Write out.txt"], workspace, new()
        {
            ["LLM_MODEL"] = "openai/gpt-quickstart",
            ["LLM_API_KEY"] = "sk-test-quickstart-0001",
            ["LLM_BASE_URL"] = server.BaseUrl + "/v1",
            ["OH_PERSISTENCE_DIR"] = dir.Combine("home"),
        });

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("-> terminal").And.Contain("Status: Finished").And.NotContain("sk-test-quickstart-0001");
        File.ReadAllText(Path.Combine(workspace, "out.txt")).Trim().Should().Be("quickstart");
        var holders = Directory.EnumerateFiles(dir.Combine("home"), "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("sk-test-quickstart-0001", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(dir.Combine("home"), f));
        holders.Should().Equal(Path.Combine("profiles", "quickstart.json"));
    }

    [Test]
    public async Task QuickStart_WithoutModel_ExplainsWhatToSetAndExitsTwo()
    {
        using var dir = TempDirectory.Create();

        var (exit, _, stderr) = await RunAsync("QuickStart.dll", ["anything"], dir.Path, new() { ["LLM_MODEL"] = string.Empty, ["OH_PERSISTENCE_DIR"] = dir.Path });

        exit.Should().Be(2);
        stderr.Should().Contain("LLM_MODEL").And.Contain("LLM_API_KEY");
    }

    [Test]
    public async Task Profiles_Walkthrough_PrintsNoSecret()
    {
        using var dir = TempDirectory.Create();

        var (exit, stdout, stderr) = await RunAsync("Profiles.dll", [dir.Combine("sample")], dir.Path, []);

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("Materialized a raw Llm as profile 'Default'").And.Contain("writes nothing").And.NotContain("sk-test-sample");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string dll, string[] args, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
