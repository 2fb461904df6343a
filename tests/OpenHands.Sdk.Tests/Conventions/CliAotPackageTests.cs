using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace OpenHands.Sdk.Tests.Conventions;

/// <summary>
/// The CLI's Native AOT tool package (<c>OpenHands.Cli.linux-x64</c>) holds a native <c>openhands</c> that runs without
/// a .NET runtime: <c>--help</c>, and <c>profiles add</c> then <c>profiles list</c> on a temp home.
/// </summary>
/// <remarks>
/// <c>.ci/run</c> packs it into <c>OPENHANDS_PACKAGES_DIR</c> (an AOT compile takes minutes, so no other run does); without
/// it the test is skipped, and with <c>CI=true</c> it fails.
/// </remarks>
[Category("Packaging")]
public sealed class CliAotPackageTests
{
    [Test]
    public async Task AotPackage_NativeOpenhandsRunsHelpAndProfilesList()
    {
        var folder = Environment.GetEnvironmentVariable("OPENHANDS_PACKAGES_DIR");
        var path = string.IsNullOrEmpty(folder) ? null : Directory.EnumerateFiles(folder, "OpenHands.Cli.linux-x64.*.nupkg").SingleOrDefault();
        if (path is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail("OpenHands.Cli.linux-x64 is not packed into OPENHANDS_PACKAGES_DIR: .ci/run packs it with `dotnet pack src/OpenHands.Cli -c Release -r linux-x64`.");
            }

            Assert.Ignore("The Native AOT package is packed by .ci/run only (set OPENHANDS_PACKAGES_DIR to a folder holding it).");
        }

        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("The package holds a linux-x64 executable.");
            return;
        }

        using var dir = TempDirectory.Create();
        using (var package = ZipFile.OpenRead(path!))
        {
            var settings = package.Entries.Single(e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
            using (var stream = settings.Open())
            {
                var command = XDocument.Load(stream).Root!.Descendants("Command").Single();
                ((string?)command.Attribute("Runner")).Should().Be("executable");
                ((string?)command.Attribute("EntryPoint")).Should().Be("openhands");
            }

            package.Entries.Should().NotContain(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal) || e.FullName.EndsWith(".dbg", StringComparison.Ordinal),
                "the native package holds the executable alone, without managed assemblies or its debug file");
            package.Entries.Single(e => e.FullName.EndsWith("/openhands", StringComparison.Ordinal)).ExtractToFile(Path.Combine(dir.Path, "openhands"));
        }

        var exe = Path.Combine(dir.Path, "openhands");
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        (await File.ReadAllBytesAsync(exe)).Take(4).Should().Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' });
        var home = Path.Combine(dir.Path, "home");

        var help = await RunAsync(exe, ["--help"], stdin: null);
        help.Code.Should().Be(0, help.Error);
        help.Output.Should().Contain("Usage:").And.Contain("profiles");

        var add = await RunAsync(exe, ["--home", home, "profiles", "add", "fast", "--model", "openai/gpt-4o-mini", "--api-key-stdin"], stdin: "sk-test-alpha");
        add.Code.Should().Be(0, add.Error);

        var list = await RunAsync(exe, ["--home", home, "profiles", "list"], stdin: null);
        list.Code.Should().Be(0, list.Error);
        list.Output.Should().Contain("fast").And.Contain("openai/gpt-4o-mini").And.NotContain("sk-test-alpha");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string exe, string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(exe, args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("OH_SECRET_KEY");
        start.Environment.Remove("OH_PERSISTENCE_DIR");
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
