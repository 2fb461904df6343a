using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Testing;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Samples;

/// <summary>The samples are programs people copy: they run here as real processes, against the fake LLM server.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Samples")]
public sealed class SampleTests
{
    [Test]
    public void Readme_QuickStart_IsTheQuickStartSampleVerbatim()
    {
        var readme = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var block = Regex.Match(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var sample = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "samples", "QuickStart", "Program.cs"));

        block.Should().NotBeEmpty();
        sample.Should().EndWith(block, "samples/QuickStart is the README's quick start, so the test below runs what the README shows");
    }

    [Test]
    public async Task QuickStart_FreshHome_RunsToTheAnswerWithOneWarningAndTheKeyOnlyInItsProfile()
    {
        using var dir = TempDirectory.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        var workspace = dir.Combine("work");
        Directory.CreateDirectory(workspace);
        server.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "echo hello > hello.txt"}"""),
            FakeReply.ToolCall("finish", """{"message": "Wrote hello.txt."}"""));

        var (exit, stdout, stderr) = await RunAsync("QuickStart.dll", [], workspace, QuickStartEnvironment(dir, server));

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("Finished (profile 'Default'").And.Contain("Wrote hello.txt.").And.NotContain("sk-test-quickstart-one");
        stdout.Split('\n').Where(l => l.Contains("plaintext", StringComparison.Ordinal)).Should().ContainSingle("one warning line says keys are stored in plaintext");
        File.ReadAllText(Path.Combine(workspace, "hello.txt")).Trim().Should().Be("hello");
        var home = dir.Combine("home", ".openhands");
        var holders = Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("sk-test-quickstart-one", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(home, f));
        holders.Should().Equal(Path.Combine("profiles", "Default.json"));
    }

    [Test]
    public async Task QuickStart_HomeWithUserProfiles_LeavesThemByteIdentical()
    {
        using var dir = TempDirectory.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        var workspace = dir.Combine("work");
        Directory.CreateDirectory(workspace);
        var home = dir.Combine("home", ".openhands");
        var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = Path.Combine(home, "profiles") });
        await store.SaveAsync("Default", new Llm("anthropic/claude-user") { ApiKey = new SecretString("sk-test-user-default") });
        await store.SaveAsync("mine", new Llm("openai/gpt-user") { ApiKey = new SecretString("sk-test-user-mine") });
        await new SettingsStore(new SettingsStoreOptions { Directory = home }, store).ActivateProfileAsync(ProfileName.Create("mine"));
        var before = FolderSnapshot.Take(Path.Combine(home, "profiles"));
        var settings = File.ReadAllBytes(Path.Combine(home, "settings.json"));
        server.Enqueue(FakeReply.ToolCall("finish", """{"message": "Nothing to do."}"""));

        var (exit, stdout, stderr) = await RunAsync("QuickStart.dll", [], workspace, QuickStartEnvironment(dir, server));

        exit.Should().Be(0, stderr);
        stdout.Should().MatchRegex("Finished \\(profile 'Default-[0-9a-f]+'");
        foreach (var (name, (bytes, _)) in before.Files)
        {
            File.ReadAllBytes(Path.Combine(home, "profiles", name)).Should().Equal(bytes, $"the user's profile {name} is left as it was");
        }

        File.ReadAllBytes(Path.Combine(home, "settings.json")).Should().Equal(settings);
        server.Requests.Should().ContainSingle().Which.Header("Authorization").Should().Be("Bearer sk-test-quickstart-one");
    }

    /// <summary>A fresh HOME (not created yet, as for a new user), the fake LLM, and none of the variables that would pick another folder or a cipher key.</summary>
    private static Dictionary<string, string?> QuickStartEnvironment(TempDirectory dir, FakeLlmServer server) => new()
    {
        ["HOME"] = dir.Combine("home"),
        ["LLM_MODEL"] = "openai/gpt-quickstart",
        ["LLM_API_KEY"] = "sk-test-quickstart-one",
        ["LLM_BASE_URL"] = server.BaseUrl + "/v1",
        ["OH_PERSISTENCE_DIR"] = null,
        ["OH_LLM_PROFILES_PATH"] = null,
        ["OH_SECRET_KEY"] = null,
        ["SESSION_API_KEY"] = null,
        ["OH_SESSION_API_KEYS_0"] = null,
    };

    [Test]
    public async Task Profiles_Walkthrough_PrintsNoSecret()
    {
        using var dir = TempDirectory.Create();

        var (exit, stdout, stderr) = await RunAsync("Profiles.dll", [dir.Combine("sample")], dir.Path, []);

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("Materialized a raw Llm as profile 'Default'").And.Contain("writes nothing").And.NotContain("sk-test-sample");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string dll, string[] args, string workingDirectory, Dictionary<string, string?> environment)
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
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
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
