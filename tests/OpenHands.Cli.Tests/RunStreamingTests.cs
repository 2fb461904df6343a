using System.Text;
using System.Text.Json.Nodes;
using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary>
/// <c>openhands run</c> with a streaming profile (issue 14, item 1): tokens are printed as they arrive, on one
/// <c>agent&gt;</c> line, and the finished message is not printed a second time.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Process")]
public sealed class RunStreamingTests
{
    [Test]
    public async Task Process_StreamingProfile_PrintsTokensBeforeTheReplyIsComplete()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddStreamingProfileAsync(home, server);
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeReply.Text("Tokens arrive one by one.").WithPauseAfterChunks(2, rest.Task));

        using var process = CliRunner.Start(home, ["run", "Stream please"]);
        var stdout = new StringBuilder();
        var reading = ReadAllAsync(process.StandardOutput, stdout);
        var stderr = process.StandardError.ReadToEndAsync();

        // The server holds back the rest of the reply until the first tokens are on the process's stdout.
        await WaitForAsync(stdout, "agent> Tokens arrive ", reading);
        var early = Snapshot(stdout);
        rest.SetResult();
        await reading.WaitAsync(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var all = Snapshot(stdout);

        early.Should().NotContain("one by one", "the rest of the reply had not been sent yet").And.NotContain("Status:");
        process.ExitCode.Should().Be(0, all + await stderr);
        all.Should().Contain("agent> Tokens arrive one by one.\n").And.Contain("Status: finished");
        all.Split("Tokens arrive").Should().HaveCount(2, "the streamed message is not printed again");
    }

    [Test]
    public async Task Run_StreamingProfile_PrintsTheReplyOnOneLineThenTheToolCalls()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await AddStreamingProfileAsync(home, server);
        server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo hi"}""").WithText("First a command."),
            FakeReply.Text("All good now."));

        var result = await CliRunner.InProcessAsync(home, ["run", "Do it"]);

        result.Exit.Should().Be(0, result.ToString());
        var lines = result.Stdout.ReplaceLineEndings("\n").Split('\n');
        lines.Should().ContainInConsecutiveOrder("agent> First a command.", "  -> terminal: echo hi");
        lines.Should().Contain("agent> All good now.");
        lines.Count(l => l.Contains("All good now.", StringComparison.Ordinal)).Should().Be(1);
    }

    private static async Task AddStreamingProfileAsync(TempHome home, FakeLlmServer server)
    {
        await RunCommandTests.AddProfileAsync(home, server, "fake");
        var path = home.Combine("profiles", "fake.json");
        var profile = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        profile["stream"] = true;
        await File.WriteAllTextAsync(path, profile.ToJsonString());
    }

    private static async Task ReadAllAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[256];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }

    private static async Task WaitForAsync(StringBuilder output, string text, Task reading)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!Snapshot(output).Contains(text, StringComparison.Ordinal))
        {
            if (reading.IsCompleted)
            {
                Assert.Fail($"stdout ended without '{text}':\n{Snapshot(output)}");
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().ReplaceLineEndings("\n");
        }
    }
}
