using OpenHands.Cli.Tests.Support;

namespace OpenHands.Cli.Tests;

[Parallelizable(ParallelScope.All)]
public sealed class CommandLineTests
{
    [TestCase("--help")]
    [TestCase("profiles", "--help")]
    [TestCase("profiles", "list", "--help")]
    [TestCase("profiles", "show", "--help")]
    [TestCase("profiles", "add", "--help")]
    [TestCase("profiles", "remove", "--help")]
    [TestCase("profiles", "rename", "--help")]
    [TestCase("profiles", "activate", "--help")]
    [TestCase("migrate", "--help")]
    [TestCase("run", "--help")]
    public async Task Help_OnEveryCommand_ExitsZeroWithUsage(params string[] args)
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, args);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("Usage:").And.Contain("--home");
    }

    [TestCase("frobnicate")]
    [TestCase("profiles")]
    [TestCase("profiles", "add", "x")]
    [TestCase("profiles", "list", "--bogus")]
    [TestCase("run", "task", "--profile")]
    public async Task Usage_Errors_ExitTwoAndPointToHelp(params string[] args)
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, args);

        result.Exit.Should().Be(2, result.ToString());
        result.Stderr.Should().StartWith("error: ").And.Contain("--help");
    }
}
