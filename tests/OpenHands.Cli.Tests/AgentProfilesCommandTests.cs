using System.Text.Json;
using OpenHands.Cli.Tests.Support;

namespace OpenHands.Cli.Tests;

/// <summary><c>openhands agent-profiles …</c> on a temp home: the files the agent server reads, the settings pointer.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class AgentProfilesCommandTests
{
    [Test]
    public async Task Add_WritesASecretFreeProfileThatNamesTheLlmProfile()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "smart", "--model", "openai/gpt-smart", "--api-key-stdin"], stdin: "sk-test-alpha\n");

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "reviewer", "--llm-profile", "smart", "--tool", "terminal", "--tool", "file_editor"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("Saved agent profile 'reviewer'");
        result.Stderr.Should().BeEmpty();
        var file = File.ReadAllText(home.Combine("agent-profiles", "reviewer.json"));
        file.Should().Contain("\"llm_profile_ref\": \"smart\"").And.Contain("terminal").And.Contain("file_editor").And.NotContain("sk-test");
    }

    [Test]
    public async Task Add_MissingLlmProfile_SavesAndWarns_ExistingNameWithoutForce_ExitsTwo()
    {
        using var home = TempHome.Create();

        var first = await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "fast"]);
        var again = await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "smart"]);
        var forced = await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "smart", "--force"]);

        first.Exit.Should().Be(0);
        first.Stderr.Should().Contain("LLM profile 'fast' does not exist yet");
        again.Exit.Should().Be(2);
        again.Stderr.Should().Contain("already exists").And.Contain("--force");
        forced.Exit.Should().Be(0, forced.ToString());
        File.ReadAllText(home.Combine("agent-profiles", "coder.json")).Should().Contain("\"llm_profile_ref\": \"smart\"");
    }

    [Test]
    public async Task List_Json_ShowsProfilesAndTheActiveId()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "a", "--llm-profile", "fast"]);
        await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "b", "--llm-profile", "smart"]);
        await CliRunner.InProcessAsync(home, ["agent-profiles", "activate", "b"]);

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "list", "--json"]);
        var text = await CliRunner.InProcessAsync(home, ["agent-profiles", "list"]);

        result.Exit.Should().Be(0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var profiles = doc.RootElement.GetProperty("profiles").EnumerateArray().ToList();
        profiles.Select(p => p.GetProperty("name").GetString()).Should().Equal("a", "b");
        var idOfB = profiles[1].GetProperty("id").GetString();
        doc.RootElement.GetProperty("active_agent_profile_id").GetString().Should().Be(idOfB);
        text.Stdout.Should().Contain("* b").And.Contain("  a");
    }

    [Test]
    public async Task List_Empty_SaysHowToAddOne()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "list"]);

        result.Exit.Should().Be(0);
        result.Stdout.Should().Contain("openhands agent-profiles add");
    }

    [Test]
    public async Task Show_PrintsThePythonJson_UnknownExitsTwo()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "fast"]);

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "show", "coder"]);
        var missing = await CliRunner.InProcessAsync(home, ["agent-profiles", "show", "ghost"]);

        result.Exit.Should().Be(0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        doc.RootElement.GetProperty("llm_profile_ref").GetString().Should().Be("fast");
        missing.Exit.Should().Be(2);
        missing.Stderr.Should().Contain("ghost").And.Contain("agent-profiles list");
    }

    [Test]
    public async Task Activate_WritesTheIdPointerInSettings()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "fast"]);
        var id = JsonDocument.Parse(File.ReadAllText(home.Combine("agent-profiles", "coder.json"))).RootElement.GetProperty("id").GetString();

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "activate", "coder"]);
        var missing = await CliRunner.InProcessAsync(home, ["agent-profiles", "activate", "ghost"]);

        result.Exit.Should().Be(0, result.ToString());
        File.ReadAllText(home.Combine("settings.json")).Should().Contain($"\"active_agent_profile_id\": \"{id}\"");
        missing.Exit.Should().Be(2);
    }

    [Test]
    public async Task Rename_KeepsTheIdAndTheActivePointer()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "fast"]);
        await CliRunner.InProcessAsync(home, ["agent-profiles", "activate", "coder"]);
        var id = JsonDocument.Parse(File.ReadAllText(home.Combine("agent-profiles", "coder.json"))).RootElement.GetProperty("id").GetString();

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "rename", "coder", "builder"]);

        result.Exit.Should().Be(0, result.ToString());
        File.Exists(home.Combine("agent-profiles", "coder.json")).Should().BeFalse();
        JsonDocument.Parse(File.ReadAllText(home.Combine("agent-profiles", "builder.json"))).RootElement.GetProperty("id").GetString().Should().Be(id);
        var list = await CliRunner.InProcessAsync(home, ["agent-profiles", "list"]);
        list.Stdout.Should().Contain("* builder");
    }

    [Test]
    public async Task Remove_DeletesAndClearsTheActivePointer_UnknownExitsTwo()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "coder", "--llm-profile", "fast"]);
        await CliRunner.InProcessAsync(home, ["agent-profiles", "activate", "coder"]);

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "remove", "coder"]);
        var again = await CliRunner.InProcessAsync(home, ["agent-profiles", "remove", "coder"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("No agent profile is active now");
        File.Exists(home.Combine("agent-profiles", "coder.json")).Should().BeFalse();
        File.ReadAllText(home.Combine("settings.json")).Should().NotContain("active_agent_profile_id\": \"");
        again.Exit.Should().Be(2);
    }

    [Test]
    public async Task Help_ShowsExamples()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["agent-profiles", "add", "--help"]);

        result.Exit.Should().Be(0);
        result.Stdout.Should().Contain("Examples:").And.Contain("--llm-profile");
    }
}
