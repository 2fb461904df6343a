using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.AgentServer.Tests.Clients;

/// <summary>
/// The published TypeScript client 1.39's <c>AgentProfilesClient</c> (all seven calls) against this server: the npm
/// package is installed into a temp folder once and driven with node.
/// </summary>
[Category("AgentServer")]
[NonParallelizable]
public sealed class TypeScriptClientAgentProfilesTests : ServerTestBase
{
    private const string Package = "@openhands/typescript-client@1.39.0";
    private static TempDirectory? s_install;

    [OneTimeSetUp]
    public static async Task InstallAsync()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Assert.Ignore("node and npm are needed to drive the TypeScript client; install Node.js 20+.");
        }

        s_install = TempDirectory.Create();
        await File.WriteAllTextAsync(Path.Combine(s_install.Path, "package.json"), """{"name":"ts-client-probe","private":true}""");
        var (code, output, errors) = await RunAsync("npm", s_install.Path, "install", "--no-audit", "--no-fund", "--ignore-scripts", Package);
        code.Should().Be(0, $"npm install {Package} failed: {output}{errors}");
    }

    [OneTimeTearDown]
    public static void Uninstall() => s_install?.Dispose();

    [Test]
    public async Task AgentProfilesClient_EveryCall_WorksAgainstThisServer()
    {
        await Server.PostAsync("/api/profiles/ts-llm", """{"llm":{"model":"openai/gpt-4o","base_url":"http://127.0.0.1:9/v1"}}""");
        var script = Path.Combine(TestContext.CurrentContext.TestDirectory, "Clients", "agent-profiles-client.mjs");
        var packageDir = Path.Combine(s_install!.Path, "node_modules", "@openhands", "typescript-client");
        var (code, output, errors) = await RunAsync("node", s_install.Path, script, packageDir, Server.BaseUrl);
        code.Should().Be(0, output + errors);
        var report = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        report["list"]!["profiles"]![0]!["name"]!.GetValue<string>().Should().Be("default", "the first list seeds default");
        report["save"]!["message"]!.GetValue<string>().Should().Contain("saved");
        report["get"]!["profile"]!["llm_profile_ref"]!.GetValue<string>().Should().Be("ts-llm");
        report["getExposed"]!.ToJsonString().Should().Be(report["get"]!.ToJsonString());
        report["materialize"]!["valid"]!.GetValue<bool>().Should().BeTrue();
        report["materialize"]!["llm_profile_resolved"]!.GetValue<bool>().Should().BeTrue();
        report["activate"]!["agent_settings_applied"]!.GetValue<bool>().Should().BeFalse();
        report["rename"]!["name"]!.GetValue<string>().Should().Be("ts-renamed");
        report["renameConflictStatus"]!.GetValue<int>().Should().Be(409);
        report["missingStatus"]!.GetValue<int>().Should().Be(404);
        report["invalidStatus"]!.GetValue<int>().Should().Be(422);
        report["listAfter"]!["active_agent_profile_id"]!.GetValue<string>().Should().Be(report["get"]!["profile"]!["id"]!.GetValue<string>());
        report["delete"]!["message"]!.GetValue<string>().Should().Contain("deleted");
        report["deleteAgain"]!["message"]!.GetValue<string>().Should().Contain("deleted");
        report["listFinal"]!["active_agent_profile_id"].Should().BeNull("deleting the active profile clears the pointer");
        report["listFinal"]!["profiles"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Should().Equal("default");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
