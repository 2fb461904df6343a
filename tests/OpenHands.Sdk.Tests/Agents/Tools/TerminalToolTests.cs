using System.Diagnostics;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Tests.Support;
using static OpenHands.Sdk.Tests.Agents.Tools.ToolTestKit;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>
/// The terminal runs real bash processes: output and exit codes are reported, stderr is interleaved with stdout,
/// and nothing a command starts survives the call (timeouts, background jobs and cancellation included).
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Tools")]
public sealed class TerminalToolTests
{
    [SetUp]
    public void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("The terminal tool tests need bash and Unix process groups.");
        }
    }

    [Test]
    public async Task ExecuteAsync_Echo_ReturnsOutputAndExitCodeZero()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "echo hello" }), Context(dir.Path));

        result.IsError.Should().BeFalse();
        result.Text.Should().Be("hello\n[exit code 0]");
        result.IntField("exit_code").Should().Be(0);
        result.StringField("command").Should().Be("echo hello");
        result.BoolField("timeout").Should().BeFalse();
    }

    [Test]
    public async Task ExecuteAsync_NoOutput_ReportsOnlyExitCode()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "true" }), Context(dir.Path));

        result.Text.Should().Be("[exit code 0]");
    }

    [TestCase("exit 3", 3)]
    [TestCase("false", 1)]
    [TestCase("command-that-does-not-exist-ohsdk", 127)]
    public async Task ExecuteAsync_FailingCommand_ReportsExitCodeWithoutError(string command, int exitCode)
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command }), Context(dir.Path));

        result.IsError.Should().BeFalse("a failing command is a normal observation; the model reads the exit code");
        result.IntField("exit_code").Should().Be(exitCode);
        result.Text.Should().EndWith($"[exit code {exitCode}]");
    }

    [Test]
    public async Task ExecuteAsync_StdoutAndStderr_AreInterleavedInOrder()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(
            Call("terminal", new { command = "echo out1; echo err1 >&2; echo out2; echo err2 1>&2" }), Context(dir.Path));

        result.Text.Should().Be("out1\nerr1\nout2\nerr2\n[exit code 0]");
    }

    [Test]
    public async Task ExecuteAsync_SyntaxError_ReportsShellMessage()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "if then fi (" }), Context(dir.Path));

        result.IntField("exit_code").Should().NotBe(0);
        result.Text.Should().Contain("syntax error");
    }

    [Test]
    public async Task ExecuteAsync_Always_RunsInTheWorkingDirectory()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("marker.txt"), "x");

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "pwd && ls" }), Context(dir.Path));

        result.Text.Should().Be($"{dir.Path}\nmarker.txt\n[exit code 0]");
    }

    [Test]
    public async Task ExecuteAsync_CommandReadingStdin_GetsEndOfInputInsteadOfHanging()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool(new() { Timeout = TimeSpan.FromSeconds(10) })
            .ExecuteAsync(Call("terminal", new { command = "cat; echo done" }), Context(dir.Path));

        result.Text.Should().Be("done\n[exit code 0]");
    }

    [Test]
    public async Task ExecuteAsync_Timeout_KillsCommandAndReportsTimeout()
    {
        using var dir = TempDirectory.Create();
        var marker = Marker();
        var watch = Stopwatch.StartNew();

        var result = await new TerminalTool(new() { Timeout = TimeSpan.FromMilliseconds(500) })
            .ExecuteAsync(Call("terminal", new { command = $"echo started; exec -a {marker} sleep 30" }), Context(dir.Path));

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        result.IsError.Should().BeTrue();
        result.Text.Should().StartWith("started\n").And.Contain("timed out after 0.5 seconds");
        result.BoolField("timeout").Should().BeTrue();
        result.IntField("exit_code").Should().Be(-1);
        (await SurvivorsAsync(marker)).Should().BeEmpty();
    }

    [Test]
    public async Task ExecuteAsync_TimeoutArgument_OverridesDefault()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "sleep 30", timeout = 0.3 }), Context(dir.Path));

        result.IsError.Should().BeTrue();
        result.BoolField("timeout").Should().BeTrue();
        result.Text.Should().Contain("timed out after 0.3 seconds");
    }

    [Test]
    public async Task ExecuteAsync_HugeTimeoutArgument_RunsNormally()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "echo ok", timeout = 1e9 }), Context(dir.Path));

        result.Text.Should().Be("ok\n[exit code 0]");
    }

    [TestCase(0)]
    [TestCase(-5)]
    public async Task ExecuteAsync_NonPositiveTimeoutArgument_ReturnsError(double timeout)
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "echo x", timeout }), Context(dir.Path));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'timeout' must be a positive number");
    }

    [Test]
    public async Task ExecuteAsync_BackgroundJob_DoesNotSurviveTheCall()
    {
        using var dir = TempDirectory.Create();
        var marker = Marker();

        var result = await new TerminalTool().ExecuteAsync(
            Call("terminal", new { command = $"(exec -a {marker} sleep 300) & echo launched" }), Context(dir.Path));

        result.Text.Should().Be("launched\n[exit code 0]");
        (await SurvivorsAsync(marker)).Should().BeEmpty("the command's process group is killed when the command ends");
    }

    [Test]
    public async Task ExecuteAsync_DisownedNohupJob_DoesNotSurviveTheCall()
    {
        using var dir = TempDirectory.Create();
        var marker = Marker();

        await new TerminalTool().ExecuteAsync(
            Call("terminal", new { command = $"nohup bash -c 'exec -a {marker} sleep 300' >/dev/null 2>&1 & disown; echo ok" }), Context(dir.Path));

        (await SurvivorsAsync(marker)).Should().BeEmpty();
    }

    [Test]
    public async Task ExecuteAsync_Cancelled_KillsCommandAndThrows()
    {
        using var dir = TempDirectory.Create();
        var marker = Marker();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var act = () => new TerminalTool().ExecuteAsync(
            Call("terminal", new { command = $"exec -a {marker} sleep 30" }), Context(dir.Path), cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        (await SurvivorsAsync(marker)).Should().BeEmpty();
    }

    [Test]
    public async Task ExecuteAsync_AlreadyCancelled_ThrowsWithoutRunning()
    {
        using var dir = TempDirectory.Create();

        var act = () => new TerminalTool().ExecuteAsync(
            Call("terminal", new { command = "touch ran.txt" }), Context(dir.Path), new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
        File.Exists(dir.Combine("ran.txt")).Should().BeFalse();
    }

    [Test]
    public async Task ExecuteAsync_LongOutput_KeepsHeadAndTailAroundMarker()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool(new() { MaxOutputLength = 1000 })
            .ExecuteAsync(Call("terminal", new { command = "seq 1 100000" }), Context(dir.Path));

        result.Text.Should().StartWith("1\n2\n3\n");
        result.Text.Should().EndWith("99999\n100000\n[exit code 0]");
        result.Text.Should().MatchRegex(@"\[\.\.\. \d+ characters omitted \.\.\.\]");
        result.Text.Length.Should().BeLessThan(1200);
        result.IntField("exit_code").Should().Be(0);
    }

    [Test]
    public async Task ExecuteAsync_OutputWithinLimit_IsNotTruncated()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool(new() { MaxOutputLength = 1000 })
            .ExecuteAsync(Call("terminal", new { command = "seq 1 100" }), Context(dir.Path));

        result.Text.Should().NotContain("omitted");
        result.Text.Should().Be(string.Join("\n", Enumerable.Range(1, 100)) + "\n[exit code 0]");
    }

    [Test]
    public async Task ExecuteAsync_UnicodeOutput_IsDecodedAsUtf8()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "printf 'héllo ✓ 🚀\\n'" }), Context(dir.Path));

        result.Text.Should().Be("héllo ✓ 🚀\n[exit code 0]");
    }

    [Test]
    public async Task ExecuteAsync_IsInput_ReturnsNoInteractiveSessionError()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "y", is_input = true }), Context(dir.Path));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("no interactive session");
        result.StringField("command").Should().Be("y");
    }

    [Test]
    public async Task ExecuteAsync_ResetWithCommand_RunsCommand()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "echo again", reset = true }), Context(dir.Path));

        result.Text.Should().Be("again\n[exit code 0]");
    }

    [Test]
    public async Task ExecuteAsync_MissingCommand_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { timeout = 3 }), Context(dir.Path));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'command' is required");
    }

    [Test]
    public async Task ExecuteAsync_EmptyCommand_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "  " }), Context(dir.Path));

        result.IsError.Should().BeTrue();
    }

    [Test]
    public async Task ExecuteAsync_MissingWorkingDirectory_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool().ExecuteAsync(Call("terminal", new { command = "echo x" }), Context(dir.Combine("gone")));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("does not exist");
    }

    [Test]
    public async Task ExecuteAsync_MissingShell_ReportsWhyNothingRan()
    {
        using var dir = TempDirectory.Create();

        var result = await new TerminalTool(new() { ShellPath = "/nonexistent/ohsdk-shell" })
            .ExecuteAsync(Call("terminal", new { command = "echo x" }), Context(dir.Path));

        result.Text.Should().Contain("/nonexistent/ohsdk-shell").And.NotContain("x\n");
        (result.IsError || result.IntField("exit_code") != 0).Should().BeTrue();
    }

    [Test]
    public async Task ExecuteAsync_CommandsRunInFreshShells_StateDoesNotCarryOver()
    {
        using var dir = TempDirectory.Create();
        var tool = new TerminalTool();

        await tool.ExecuteAsync(Call("terminal", new { command = "export OHSDK_X=1; cd /" }), Context(dir.Path));
        var result = await tool.ExecuteAsync(Call("terminal", new { command = "echo \"[$OHSDK_X]\"; pwd" }), Context(dir.Path));

        result.Text.Should().Be($"[]\n{dir.Path}\n[exit code 0]");
    }

    [Test]
    public void Options_InvalidValues_Throw()
    {
        FluentActions.Invoking(() => new TerminalToolOptions { Timeout = TimeSpan.Zero }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new TerminalToolOptions { MaxOutputLength = 10 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new TerminalToolOptions { ShellPath = " " }).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Description_MentionsConfiguredTimeout()
    {
        new TerminalTool(new() { Timeout = TimeSpan.FromSeconds(45) }).Description.Should().Contain("45 seconds");
    }

    private static string Marker() => "ohsdk-marker-" + Guid.NewGuid().ToString("N");

    /// <summary>Lists processes whose command line holds <paramref name="marker"/>, allowing a moment for a kill to land.</summary>
    private static async Task<string> SurvivorsAsync(string marker)
    {
        var output = string.Empty;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-f", marker]) { RedirectStandardOutput = true })!;
            output = (await pgrep.StandardOutput.ReadToEndAsync()).Trim();
            await pgrep.WaitForExitAsync();
            if (output.Length == 0)
            {
                return output;
            }

            await Task.Delay(100);
        }

        // Leave nothing behind even when the assertion fails.
        using var pkill = Process.Start("pkill", ["-KILL", "-f", marker]);
        await pkill.WaitForExitAsync();
        return output;
    }
}
