using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>
/// Persisted tool specs written by either SDK (snake names or Python class names) resolve to the built-in tools,
/// their parameters configure them, and an unknown name fails with a typed error that lists what is registered.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Tools")]
public sealed class ToolRegistryTests
{
    [TestCase("terminal", typeof(TerminalTool))]
    [TestCase("TerminalTool", typeof(TerminalTool))]
    [TestCase("file_editor", typeof(FileEditorTool))]
    [TestCase("FileEditorTool", typeof(FileEditorTool))]
    [TestCase("finish", typeof(FinishTool))]
    [TestCase("FinishTool", typeof(FinishTool))]
    [TestCase("think", typeof(ThinkTool))]
    [TestCase("ThinkTool", typeof(ThinkTool))]
    [TestCase("switch_llm", typeof(SwitchLlmTool))]
    [TestCase("SwitchLLMTool", typeof(SwitchLlmTool))]
    public void Create_BuiltInName_ReturnsThatTool(string name, Type expected)
    {
        var tool = new ToolRegistry().Create(new ToolSpec(name));

        tool.Should().BeOfType(expected);
    }

    [Test]
    public void Create_Twice_ReturnsSeparateInstances()
    {
        var registry = new ToolRegistry();

        registry.Create(new ToolSpec("file_editor")).Should().NotBeSameAs(registry.Create(new ToolSpec("file_editor")));
    }

    [Test]
    public void Create_UnknownName_ThrowsUnknownToolListingRegisteredNames()
    {
        var act = () => new ToolRegistry().Create(new ToolSpec("browser"));

        var error = act.Should().Throw<UnknownToolException>().Which;
        error.ToolName.Should().Be("browser");
        error.Registered.Should().Contain(["terminal", "TerminalTool", "file_editor", "finish", "think", "switch_llm"]);
        error.Message.Should().Contain("'browser'").And.Contain("file_editor").And.Contain("ToolRegistry.Register");
        error.Should().BeAssignableTo<OpenHandsException>();
    }

    [Test]
    public void Create_NameDiffersInCase_IsUnknown()
    {
        var act = () => new ToolRegistry().Create(new ToolSpec("Terminal"));

        act.Should().Throw<UnknownToolException>();
    }

    [Test]
    public void Create_TerminalTimeoutParam_SetsDefaultTimeout()
    {
        var spec = Spec("terminal", ("timeout_seconds", 7.5), ("max_output_chars", 5000), ("shell_path", "/bin/bash"));

        var tool = (TerminalTool)new ToolRegistry().Create(spec);

        tool.Options.Timeout.Should().Be(TimeSpan.FromSeconds(7.5));
        tool.Options.MaxOutputLength.Should().Be(5000);
        tool.Options.ShellPath.Should().Be("/bin/bash");
    }

    [Test]
    public void Create_TerminalTimeoutAlias_SetsDefaultTimeout()
    {
        var tool = (TerminalTool)new ToolRegistry().Create(Spec("TerminalTool", ("timeout", 30)));

        tool.Options.Timeout.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Test]
    public void Create_PythonTerminalParams_AreIgnored()
    {
        var tool = (TerminalTool)new ToolRegistry().Create(Spec("terminal", ("username", "openhands"), ("terminal_type", "tmux"), ("no_change_timeout_seconds", 30)));

        tool.Options.Should().Be(new TerminalToolOptions());
    }

    [TestCase("timeout_seconds", -1)]
    [TestCase("timeout_seconds", "soon")]
    [TestCase("max_output_chars", 5)]
    [TestCase("max_output_chars", 1000.5)]
    [TestCase("shell_path", 3)]
    public void Create_InvalidTerminalParam_ThrowsNamingIt(string name, object value)
    {
        var act = () => new ToolRegistry().Create(Spec("terminal", (name, value)));

        act.Should().Throw<ArgumentException>().WithMessage($"*'{name}'*");
    }

    [Test]
    public void Register_CustomTool_IsCreatedWithItsSpec()
    {
        var registry = new ToolRegistry();
        ToolSpec? seen = null;
        registry.Register("echo", spec =>
        {
            seen = spec;
            return new ThinkTool();
        });
        var spec = Spec("echo", ("level", 2));

        var tool = registry.Create(spec);

        tool.Should().BeOfType<ThinkTool>();
        seen.Should().BeSameAs(spec);
        registry.Contains("echo").Should().BeTrue();
        registry.Names.Should().Contain("echo").And.BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Test]
    public void Register_ExistingName_ReplacesFactory()
    {
        var registry = new ToolRegistry();
        var custom = new TerminalTool(new() { Timeout = TimeSpan.FromSeconds(1) });

        registry.Register("terminal", _ => custom);

        registry.Create(new ToolSpec("terminal")).Should().BeSameAs(custom);
        registry.Create(new ToolSpec("TerminalTool")).Should().NotBeSameAs(custom, "each name is registered separately");
    }

    [Test]
    public void Register_InvalidArguments_Throw()
    {
        var registry = new ToolRegistry();

        FluentActions.Invoking(() => registry.Register(" ", _ => new ThinkTool())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => registry.Register("x", null!)).Should().Throw<ArgumentNullException>();
    }

    [Test]
    public void Create_FactoryReturnsNull_ThrowsInvalidOperation()
    {
        var registry = new ToolRegistry();
        registry.Register("broken", _ => null!);

        FluentActions.Invoking(() => registry.Create(new ToolSpec("broken"))).Should().Throw<InvalidOperationException>().WithMessage("*'broken'*");
    }

    [Test]
    public void Create_NullSpec_Throws()
    {
        FluentActions.Invoking(() => new ToolRegistry().Create(null!)).Should().Throw<ArgumentNullException>();
    }

    [Test]
    public void Default_HasTheBuiltIns()
    {
        ToolRegistry.Default.Should().BeSameAs(ToolRegistry.Default);
        ToolRegistry.Default.Contains("FinishTool").Should().BeTrue();
        ToolRegistry.Default.Create(new ToolSpec("ThinkTool")).Name.Should().Be("think");
    }

    private static ToolSpec Spec(string name, params (string Key, object Value)[] parameters) =>
        new(name, parameters.ToImmutableDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value)));
}
