using System.Diagnostics;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>
/// The npm package <c>@modelcontextprotocol/server-everything</c>, installed once into a folder the tests own: the one
/// <c>OPENHANDS_MCP_EVERYTHING_DIR</c> names (<c>.ci/run</c> installs it there), else the test output folder. Its
/// <c>node_modules</c> is never in the repository.
/// </summary>
public static class NpmMcpEverything
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Installs the package if needed and returns the server's entry script (run it with <c>node &lt;script&gt; stdio</c>).</summary>
    public static async Task<string> EnsureInstalledAsync()
    {
        var folder = Environment.GetEnvironmentVariable("OPENHANDS_MCP_EVERYTHING_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(TestContext.CurrentContext.WorkDirectory, "npm-mcp-everything");
        var script = Path.Combine(folder, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(script))
            {
                return script;
            }

            Directory.CreateDirectory(folder);
            var npm = new ProcessStartInfo("npm", ["install", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error", "@modelcontextprotocol/server-everything"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(npm) ?? throw new AssertionException("npm could not be started: install Node.js (npm) to run the MCP tests.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0 || !File.Exists(script))
            {
                throw new AssertionException($"npm install @modelcontextprotocol/server-everything failed ({process.ExitCode}): {await output}\n{await errors}");
            }

            return script;
        }
        finally
        {
            Gate.Release();
        }
    }
}
