using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Cli.Tests.Support;

namespace OpenHands.Cli.Tests;

[Parallelizable(ParallelScope.All)]
public sealed class MigrateCommandTests
{
    private const string Key = "sk-test-migrate-one";

    /// <summary>What the Python CLI writes to ~/.openhands/agent_settings.json: a whole serialized agent, key included.</summary>
    internal static string PythonCliAgentSettings(string key, string condenserModel = "anthropic/claude-sonnet-4-5") => $$$$"""
        {
          "llm": {"model": "anthropic/claude-sonnet-4-5", "api_key": "{{{{key}}}}", "base_url": null, "usage_id": "agent",
                  "num_retries": 5, "temperature": 0.0, "litellm_extra_body": {}},
          "tools": [{"name": "terminal", "params": {}}, {"name": "file_editor", "params": {}}, {"name": "task_tracker", "params": {}}],
          "mcp_config": {"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"]}}},
          "include_default_tools": ["FinishTool", "ThinkTool"],
          "system_prompt_filename": "system_prompt.j2",
          "condenser": {"llm": {"model": "{{{{condenserModel}}}}", "api_key": "{{{{key}}}}", "base_url": null, "usage_id": "condenser",
                                "num_retries": 5, "temperature": 0.0, "litellm_extra_body": {}},
                        "max_size": 80, "keep_first": 4, "kind": "LLMSummarizingCondenser"},
          "kind": "Agent"
        }
        """;

    [Test]
    public async Task Migrate_PythonCliAgentSettings_MovesTheLlmIntoDefaultActivatesItAndBacksUp()
    {
        using var home = TempHome.Create();
        var original = PythonCliAgentSettings(Key);
        home.Write("agent_settings.json", original);

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("Backed up agent_settings.json").And.Contain("into profile 'Default'").And.Contain("Active profile: Default");
        result.All.Should().NotContain(Key);

        var agent = JsonNode.Parse(File.ReadAllText(home.Combine("agent_settings.json")))!.AsObject();
        agent.ContainsKey("llm").Should().BeFalse();
        agent["llm_profile"]!.GetValue<string>().Should().Be("Default");
        agent["condenser"]!["llm_profile"]!.GetValue<string>().Should().Be("Default", "the condenser's LLM equals the agent's (usage_id aside)");
        agent["condenser"]!.AsObject().ContainsKey("llm").Should().BeFalse();
        agent["tools"]!.AsArray().Should().HaveCount(3);
        agent["kind"]!.GetValue<string>().Should().Be("Agent");
        agent["mcp_config"]!["mcpServers"]!["fetch"]!["command"]!.GetValue<string>().Should().Be("uvx");

        var backup = home.Combine("agent_settings.json.bak");
        File.ReadAllText(backup).Should().Be(original);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(backup).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.ReadAllText(home.Combine("profiles", "Default.json")).Should().Contain(Key).And.Contain("anthropic/claude-sonnet-4-5");
        File.ReadAllText(home.Combine("settings.json")).Should().Contain("\"active_profile\": \"Default\"");
        home.AllFiles().Where(f => f.Text.Contains(Key, StringComparison.Ordinal)).Select(f => f.Relative)
            .Should().BeEquivalentTo(Path.Combine("profiles", "Default.json"), "agent_settings.json.bak");
    }

    [Test]
    public async Task Migrate_CondenserWithAnotherModel_GetsItsOwnProfile()
    {
        using var home = TempHome.Create();
        home.Write("agent_settings.json", PythonCliAgentSettings(Key, condenserModel: "openai/gpt-4o-mini"));

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(0, result.ToString());
        var agent = JsonNode.Parse(File.ReadAllText(home.Combine("agent_settings.json")))!;
        var condenser = agent["condenser"]!["llm_profile"]!.GetValue<string>();
        condenser.Should().MatchRegex("^Default-[0-9a-f]{12}$", "Default holds the agent's LLM, so the condenser's gets its content name");
        File.ReadAllText(home.Combine("profiles", condenser + ".json")).Should().Contain("openai/gpt-4o-mini");
        File.ReadAllText(home.Combine("profiles", "Default.json")).Should().Contain("anthropic/claude-sonnet-4-5");
    }

    [Test]
    public async Task Migrate_Twice_SecondRunChangesNothingAndSaysSo()
    {
        using var home = TempHome.Create();
        home.Write("agent_settings.json", PythonCliAgentSettings(Key));
        home.Write("settings.json", LegacySettings("openai/gpt-settings", "sk-test-migrate-two"));
        (await CliRunner.InProcessAsync(home, ["migrate"])).Exit.Should().Be(0);
        var before = Snapshot(home);

        var second = await CliRunner.InProcessAsync(home, ["migrate"]);

        second.Exit.Should().Be(0);
        second.Stdout.Should().Contain("Nothing to migrate").And.Contain("Nothing was changed");
        Snapshot(home).Should().BeEquivalentTo(before);
    }

    [Test]
    public async Task Migrate_BothFiles_DifferentLlms_AgentLlmIsDefaultAndActiveSettingsLlmGetsItsContentName()
    {
        using var home = TempHome.Create();
        home.Write("agent_settings.json", PythonCliAgentSettings(Key));
        home.Write("settings.json", LegacySettings("openai/gpt-settings", "sk-test-migrate-two"));

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(0, result.ToString());
        var moved = Directory.GetFiles(home.Combine("profiles"), "Default-*.json").Should().ContainSingle().Which;
        var movedName = Path.GetFileNameWithoutExtension(moved);
        movedName.Should().MatchRegex("^Default-[0-9a-f]{12}$");
        result.Stdout.Should().Contain("settings.json.bak").And.Contain($"profile '{movedName}'").And.Contain("Active profile: Default");
        var settings = File.ReadAllText(home.Combine("settings.json"));
        settings.Should().NotContain("sk-test-migrate-two").And.NotContain("gpt-settings").And.Contain("\"active_profile\": \"Default\"");
        File.ReadAllText(moved).Should().Contain("sk-test-migrate-two");
        File.ReadAllText(home.Combine("settings.json.bak")).Should().Contain("sk-test-migrate-two");
        result.All.Should().NotContain("sk-test-migrate-two");
    }

    [Test]
    public async Task Migrate_EncryptedKeyWithoutSecretKey_ExitsTwoAndChangesNothing()
    {
        using var home = TempHome.Create();
        home.Write("agent_settings.json", PythonCliAgentSettings("gAAAAABnotreallyatokenbutshapedlikeone000000000000000000000000"));
        var before = Snapshot(home);

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("OH_SECRET_KEY");
        Snapshot(home).Should().BeEquivalentTo(before);
    }

    [Test]
    public async Task Migrate_RedactedKey_CreatesProfileWithoutKeyAndSaysHowToAddIt()
    {
        using var home = TempHome.Create();
        home.Write("agent_settings.json", PythonCliAgentSettings("**********"));

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stderr.Should().Contain("redacted").And.Contain("--api-key-stdin");
        File.ReadAllText(home.Combine("profiles", "Default.json")).Should().NotContain("api_key\": \"");
    }

    [Test]
    public async Task Migrate_NothingThere_SaysNothingToMigrate()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(0);
        result.Stdout.Should().Contain("Nothing to migrate");
        home.AllFiles().Should().BeEmpty();
    }

    [Test]
    public async Task Migrate_BrokenJson_ExitsTwoAndChangesNothing()
    {
        using var home = TempHome.Create();
        home.Write("agent_settings.json", "{\"llm\": ");

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("not valid JSON").And.Contain("Fix:");
        File.Exists(home.Combine("agent_settings.json.bak")).Should().BeFalse();
    }

    [TestCase("v1", "fixture-persisted-llm", 200)]
    [TestCase("v2", "fixture-v2-persisted-llm", 240)]
    public async Task Migrate_PythonPersistedSettingsBaseline_MovesLlmToDefaultKeepsTheRest(string version, string model, int maxIterations)
    {
        var fixture = OpenHands.Testing.RepositoryFiles.RequireShared("persisted_settings_baselines", version, "persisted_settings.json");
        using var home = TempHome.Create();
        File.Copy(fixture, home.Combine("settings.json"));

        var result = await CliRunner.InProcessAsync(home, ["migrate"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("profile 'Default'").And.Contain("Active profile: Default");
        File.ReadAllBytes(home.Combine("settings.json.bak")).Should().Equal(File.ReadAllBytes(fixture));
        var settings = JsonNode.Parse(File.ReadAllText(home.Combine("settings.json")))!;
        settings["agent_settings"]!.AsObject().ContainsKey("llm").Should().BeFalse();
        settings["active_profile"]!.GetValue<string>().Should().Be("Default", "the fixture's active profile does not exist here");
        settings["conversation_settings"]!["max_iterations"]!.GetValue<int>().Should().Be(maxIterations);
        using var profile = JsonDocument.Parse(File.ReadAllText(home.Combine("profiles", "Default.json")));
        profile.RootElement.GetProperty("model").GetString().Should().Be(model);

        var again = await CliRunner.InProcessAsync(home, ["migrate"]);
        again.Stdout.Should().Contain("Nothing to migrate");
    }

    internal static string LegacySettings(string model, string key) => $$$$"""
        {
          "schema_version": 2,
          "agent_settings": {"schema_version": 5, "agent_kind": "openhands", "llm": {"model": "{{{{model}}}}", "api_key": "{{{{key}}}}"},
                             "tools": [{"name": "TerminalTool", "params": {}}]},
          "conversation_settings": {"schema_version": 1, "max_iterations": 77},
          "misc_settings": {"theme": "dark"}
        }
        """;

    private static Dictionary<string, string> Snapshot(TempHome home) =>
        home.AllFiles().ToDictionary(f => f.Relative, f => f.Text);
}
