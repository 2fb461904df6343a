using System.Diagnostics;

namespace OpenHands.Remote.Tests;

/// <summary>The RemoteAgentServer sample runs offline as a real process: server in-process, scripted model, events streamed.</summary>
[Category("Samples")]
public sealed class SampleTests
{
    [Test]
    public async Task RemoteAgentServer_Offline_StreamsTheRunAndPrintsNoKey()
    {
        using var dir = TempDirectory.Create();
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RemoteAgentServer.dll"));
        start.Environment["LLM_MODEL"] = string.Empty;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.Should().Be(0, await stderr);
        var output = await stdout;
        output.Should().Contain("Agent server listening on http://127.0.0.1:")
            .And.Contain("Started conversation").And.Contain("by profile name 'sample'")
            .And.Contain("user> Greet me in one line.")
            .And.Contain("-> think").And.Contain("-> finish").And.Contain("Hello from the agent server!")
            .And.Contain("Run ended: Finished (profile 'sample', model openai/scripted-model)")
            .And.Contain("Deleted the conversation.")
            .And.NotContain("sk-test-sample-9");
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
