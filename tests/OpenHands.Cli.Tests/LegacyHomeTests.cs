using System.Text.Json.Nodes;
using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary>
/// A home with a legacy settings.json (the Python SDK's schema v1, LLM and key embedded) works with every command at
/// once: the first one moves the LLM into a profile through the SDK's one migration, with a 0600 backup.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class LegacyHomeTests
{
    private const string Key = "sk-test-legacy-home";

    [Test]
    public async Task ProfilesAddListAndRun_OnAPythonV1LegacyHome_WorkWithoutMigrate()
    {
        using var home = TempHome.Create();
        await using var server = await FakeLlmServer.StartNewAsync();
        var original = LegacyV1Settings(server.BaseUrl + "/v1");
        home.Write("settings.json", original);

        var add = await CliRunner.InProcessAsync(home, ["profiles", "add", "other", "--model", "openai/gpt-other", "--api-key-stdin"], stdin: "sk-test-other-key");
        add.Exit.Should().Be(0, add.ToString());
        add.Stderr.Should().Contain("Moved the LLM (openai/fixture-persisted-llm)").And.Contain("'Default'").And.Contain("settings.json.bak");

        var list = await CliRunner.InProcessAsync(home, ["profiles", "list"]);
        list.Exit.Should().Be(0, list.ToString());
        list.Stdout.Should().MatchRegex(@"\*\s+Default\s+openai/fixture-persisted-llm").And.Contain("other");

        server.Enqueue(FakeReply.ToolCall("finish", """{"message": "Legacy works."}"""));
        var run = await CliRunner.InProcessAsync(home, ["run", "Say it"]);
        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("profile 'Default'").And.Contain("done> Legacy works.");
        server.Requests.Single().Header("Authorization").Should().Be("Bearer " + Key);
        server.Requests.Single().Model.Should().Be("fixture-persisted-llm");

        var backup = home.Combine("settings.json.bak");
        File.ReadAllText(backup).Should().Be(original);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(backup).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var settings = JsonNode.Parse(File.ReadAllText(home.Combine("settings.json")))!;
        settings["agent_settings"]!.AsObject().ContainsKey("llm").Should().BeFalse();
        settings["conversation_settings"]!["max_iterations"]!.GetValue<int>().Should().Be(200, "the rest of the legacy settings is kept");
        home.AllFiles().Where(f => f.Text.Contains(Key, StringComparison.Ordinal)).Select(f => f.Relative)
            .Should().BeEquivalentTo([Path.Combine("profiles", "Default.json"), "settings.json.bak"], "the key is only in a profile (and the untouched original)");
        (add.All + list.All + run.All).Should().NotContain(Key);
    }

    /// <summary>The Python fixture's schema v1 settings.json, with the key and endpoint a real user's file would hold.</summary>
    private static string LegacyV1Settings(string baseUrl)
    {
        var fixture = JsonNode.Parse(File.ReadAllText(RepositoryFiles.RequireShared("persisted_settings_baselines", "v1", "persisted_settings.json")))!.AsObject();
        fixture.Remove("__expected__");
        var llm = fixture["agent_settings"]!["llm"]!.AsObject();
        llm["model"] = "openai/" + llm["model"]!.GetValue<string>();
        llm["api_key"] = Key;
        llm["base_url"] = baseUrl;
        llm["num_retries"] = 0;
        return fixture.ToJsonString();
    }
}
