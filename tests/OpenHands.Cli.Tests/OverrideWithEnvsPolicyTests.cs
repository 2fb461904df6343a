using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary>
/// run --override-with-envs goes through the SDK's one materialization policy: a different Default and the user's own
/// active profile stay byte-identical, two different env LLMs get two profiles, the same one twice is written once.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class OverrideWithEnvsPolicyTests
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    [Test]
    public async Task Run_OverrideWithEnvs_LeavesADifferentDefaultAndTheActiveProfileByteIdentical()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        await RunCommandTests.AddProfileAsync(home, server, "mine", "sk-test-mine");
        await RunCommandTests.AddProfileAsync(home, server, "Default", "sk-test-default");
        var before = AgedProfiles(home);

        var (exit, profile) = await RunWithEnvAsync(home, server, "sk-test-env");

        exit.Should().Be(0);
        profile.Should().MatchRegex("^Default-[0-9a-f]{12}$");
        foreach (var (file, (bytes, written)) in before)
        {
            File.ReadAllBytes(file).Should().Equal(bytes, "{0} must not change", file);
            File.GetLastWriteTimeUtc(file).Should().Be(written);
        }

        File.ReadAllText(home.Combine("settings.json")).Should().Contain("\"active_profile\": \"mine\"", "the env LLM is used, not activated");
        File.ReadAllText(home.Combine("profiles", profile + ".json")).Should().Contain("sk-test-env");
    }

    [Test]
    public async Task Run_OverrideWithEnvs_TwoDifferentKeys_GetTwoProfiles()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();

        var (_, first) = await RunWithEnvAsync(home, server, "sk-test-env-one");
        var (_, second) = await RunWithEnvAsync(home, server, "sk-test-env-two");

        second.Should().NotBe(first);
        File.ReadAllText(home.Combine("profiles", first + ".json")).Should().Contain("sk-test-env-one");
        File.ReadAllText(home.Combine("profiles", second + ".json")).Should().Contain("sk-test-env-two");
        server.Requests.Select(r => r.Header("Authorization")).Should().Equal("Bearer sk-test-env-one", "Bearer sk-test-env-two");
    }

    [Test]
    public async Task Run_OverrideWithEnvs_SameLlmTwice_OneProfileWrittenOnce()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        var (_, first) = await RunWithEnvAsync(home, server, "sk-test-env-same");
        var before = AgedProfiles(home);

        var (_, second) = await RunWithEnvAsync(home, server, "sk-test-env-same");

        second.Should().Be(first);
        Directory.GetFiles(home.Combine("profiles"), "*.json").Should().ContainSingle();
        foreach (var (file, (bytes, written)) in before)
        {
            File.ReadAllBytes(file).Should().Equal(bytes);
            File.GetLastWriteTimeUtc(file).Should().Be(written, "the equal profile is not written again");
        }
    }

    private static async Task<(int Exit, string Profile)> RunWithEnvAsync(TempHome home, FakeLlmServer server, string key)
    {
        server.Enqueue(FakeReply.Text("Done."));
        var env = new Dictionary<string, string> { ["LLM_MODEL"] = "openai/gpt-env", ["LLM_API_KEY"] = key, ["LLM_BASE_URL"] = server.BaseUrl + "/v1" };
        var result = await CliRunner.InProcessAsync(home, ["run", "Go", "--override-with-envs"], env);
        result.Exit.Should().Be(0, result.ToString());
        result.All.Should().NotContain(key);
        var profile = RunCommandTests.ProfileInUse().Match(result.Stdout);
        profile.Success.Should().BeTrue(result.ToString());
        return (result.Exit, profile.Groups[1].Value);
    }

    private static Dictionary<string, (byte[] Bytes, DateTime Written)> AgedProfiles(TempHome home)
    {
        var files = new Dictionary<string, (byte[], DateTime)>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(home.Combine("profiles"), "*.json"))
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
            files[file] = (File.ReadAllBytes(file), LongAgo);
        }

        return files;
    }
}
