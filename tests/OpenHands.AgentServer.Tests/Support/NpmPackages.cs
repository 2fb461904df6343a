using System.Diagnostics;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>
/// Published npm packages installed for the tests that drive them, into a folder the test run owns
/// (<c>&lt;test output&gt;/npm/&lt;name&gt;</c>, never committed), once per run; and Node scripts run against them.
/// </summary>
public static class NpmPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Installs <paramref name="packages"/> (exact versions) into a folder named <paramref name="folder"/> and returns it.</summary>
    public static async Task<string> InstallAsync(string folder, params string[] packages)
    {
        var root = Path.Combine(TestContext.CurrentContext.TestDirectory, "npm", folder);
        var marker = Path.Combine(root, ".installed-" + string.Join('_', packages).Replace('/', '-').Replace('@', '-'));
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(marker))
            {
                return root;
            }

            Directory.CreateDirectory(root);
            await File.WriteAllTextAsync(Path.Combine(root, "package.json"), """{"name":"openhands-test-clients","private":true,"type":"module"}""");
            var (code, output) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", root, .. packages], root, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            code.Should().Be(0, $"npm install {string.Join(' ', packages)} must succeed (Node.js and npm on PATH, the npm registry reachable): {output}");
            await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"));
            return root;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs a Node ES module from the install folder (so its imports resolve there) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string folder, string scriptName, string script, IReadOnlyDictionary<string, string> environment)
    {
        var path = Path.Combine(folder, scriptName);
        await File.WriteAllTextAsync(path, script);
        var start = new ProcessStartInfo("node", [path]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, string directory, IReadOnlyDictionary<string, string> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
