using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Tests.Support;
using static OpenHands.Sdk.Tests.Agents.Tools.ToolTestKit;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>
/// finish, think and switch_llm keep the Python tools' names, parameters and observation shapes, and
/// every built-in advertises a Python-compatible object schema.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Tools")]
public sealed class BuiltInToolTests
{
    public static IEnumerable<TestCaseData> Schemas()
    {
        yield return new TestCaseData(new FinishTool(), "finish", "FinishObservation", true, new[] { "message" }, new[] { "message" });
        yield return new TestCaseData(new ThinkTool(), "think", "ThinkObservation", true, new[] { "thought" }, new[] { "thought" });
        yield return new TestCaseData(new SwitchLlmTool(), "switch_llm", "SwitchLLMObservation", false,
            new[] { "profile_name", "reason" }, new[] { "profile_name", "reason" });
        yield return new TestCaseData(new TerminalTool(), "terminal", "TerminalObservation", false,
            new[] { "command", "is_input", "timeout", "reset" }, new[] { "command" });
        yield return new TestCaseData(new FileEditorTool(), "file_editor", "FileEditorObservation", false,
            new[] { "command", "path", "file_text", "old_str", "new_str", "insert_line", "view_range" }, new[] { "command", "path" });
    }

    [TestCaseSource(nameof(Schemas))]
    public void ParametersSchema_BuiltInTool_MatchesPythonNamesAndRequiredList(
        ITool tool, string name, string observationKind, bool readOnly, string[] properties, string[] required)
    {
        tool.Name.Should().Be(name);
        tool.ObservationKind.Should().Be(observationKind);
        tool.IsReadOnly.Should().Be(readOnly);
        tool.Description.Should().NotBeNullOrWhiteSpace();
        var schema = tool.ParametersSchema;
        schema.GetProperty("type").GetString().Should().Be("object");
        schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal(properties);
        schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Should().Equal(required);
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            property.Value.GetProperty("type").GetString().Should().NotBeNullOrEmpty();
            property.Value.GetProperty("description").GetString().Should().NotBeNullOrEmpty();
        }
    }

    [Test]
    public void ParametersSchema_FileEditorCommand_ListsTheFiveCommands()
    {
        new FileEditorTool().ParametersSchema.GetProperty("properties").GetProperty("command").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString())
            .Should().Equal("view", "create", "str_replace", "insert", "undo_edit");
    }

    // ---- finish --------------------------------------------------------------------------------------------

    [Test]
    public async Task Finish_Message_ReturnsMessageAsObservationText()
    {
        using var dir = TempDirectory.Create();

        var result = await new FinishTool().ExecuteAsync(Call("finish", new { message = "Created hello.txt." }), Context(dir.Path));

        result.Should().Be(new ToolResult("Created hello.txt."));
        result.Fields.Should().BeEmpty();
        FinishTool.ToolName.Should().Be("finish");
    }

    [Test]
    public async Task Finish_MissingMessage_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new FinishTool().ExecuteAsync(Call("finish", new { summary = "done" }), Context(dir.Path));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'message' is required");
    }

    // ---- think ---------------------------------------------------------------------------------------------

    [Test]
    public async Task Think_Thought_ReturnsLoggedText()
    {
        using var dir = TempDirectory.Create();

        var result = await new ThinkTool().ExecuteAsync(Call("think", new { thought = "Try the simplest fix first." }), Context(dir.Path));

        result.IsError.Should().BeFalse();
        result.Text.Should().Be("Your thought has been logged.");
    }

    [Test]
    public async Task Think_MissingThought_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new ThinkTool().ExecuteAsync(CallJson("think", "{}"), Context(dir.Path));

        result.IsError.Should().BeTrue();
    }

    // ---- switch_llm ----------------------------------------------------------------------------------------

    [Test]
    public async Task SwitchLlm_KnownProfile_SwitchesAndNamesIt()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("fast", "smart");

        var result = await new SwitchLlmTool().ExecuteAsync(
            Call("switch_llm", new { profile_name = "smart", reason = "Hard refactoring ahead." }), Context(dir.Path, switcher));

        result.IsError.Should().BeFalse();
        switcher.Switches.Should().Equal(ProfileName.Create("smart"));
        result.Text.Should().Contain("'smart'").And.Contain("Hard refactoring ahead.");
        result.StringField("profile_name").Should().Be("smart");
        result.StringField("reason").Should().Be("Hard refactoring ahead.");
    }

    [Test]
    public async Task SwitchLlm_WithoutReason_StillSwitches()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("fast");

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "fast.json" }), Context(dir.Path, switcher));

        result.IsError.Should().BeFalse();
        switcher.Switches.Should().Equal(ProfileName.Create("fast"));
        result.Fields.Should().NotContainKey("reason");
    }

    [Test]
    public async Task SwitchLlm_UnknownProfile_ReturnsErrorListingAvailableProfiles()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("smart", "fast");

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "huge", reason = "x" }), Context(dir.Path, switcher));

        result.IsError.Should().BeTrue();
        result.Text.Should().Be("LLM profile 'huge' was not found. Available profiles: fast, smart.");
        result.StringField("profile_name").Should().Be("huge");
        switcher.Switches.Should().BeEmpty();
    }

    [Test]
    public async Task SwitchLlm_InvalidProfileName_ReturnsErrorListingAvailableProfiles()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("fast");

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "../etc", reason = "x" }), Context(dir.Path, switcher));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("Available profiles: fast");
        switcher.Switches.Should().BeEmpty();
    }

    [Test]
    public async Task SwitchLlm_NoProfiles_SaysNone()
    {
        using var dir = TempDirectory.Create();

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "fast" }), Context(dir.Path, new RecordingLlmSwitcher()));

        result.Text.Should().EndWith("Available profiles: none.");
    }

    [Test]
    public async Task SwitchLlm_NoSwitcher_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "fast", reason = "x" }), Context(dir.Path));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("cannot switch LLM profiles");
    }

    [Test]
    public async Task SwitchLlm_SwitcherFails_ReturnsErrorWithItsMessage()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("fast") { FailWith = new OpenHandsException("The profile store is busy.") };

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "fast", reason = "x" }), Context(dir.Path, switcher));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'fast'").And.Contain("The profile store is busy.");
    }

    [Test]
    public async Task SwitchLlm_ProfileDeletedMeanwhile_ReturnsNotFound()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("fast")
        {
            FailWith = new ProfileNotFoundException(ProfileName.Create("fast"), [ProfileName.Create("other")]),
        };

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { profile_name = "fast" }), Context(dir.Path, switcher));

        result.IsError.Should().BeTrue();
        result.Text.Should().Be("LLM profile 'fast' was not found. Available profiles: other.");
    }

    [Test]
    public async Task SwitchLlm_MissingProfileName_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        var switcher = new RecordingLlmSwitcher("fast");

        var result = await new SwitchLlmTool().ExecuteAsync(Call("switch_llm", new { reason = "x" }), Context(dir.Path, switcher));

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'profile_name' is required");
        switcher.Switches.Should().BeEmpty();
    }

    [Test]
    public void SwitchLlm_Description_SaysItSwitchesByProfileName()
    {
        new SwitchLlmTool().Description.Should().Contain("profile name");
    }

    [Test]
    public async Task ExecuteAsync_NullArgumentValue_CountsAsMissing()
    {
        using var dir = TempDirectory.Create();

        var result = await new FinishTool().ExecuteAsync(CallJson("finish", """{"message": null}"""), Context(dir.Path));

        result.IsError.Should().BeTrue();
    }
}
