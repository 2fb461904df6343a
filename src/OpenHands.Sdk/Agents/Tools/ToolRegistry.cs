using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Agents.Tools;

/// <summary>
/// Turns persisted tool specs (<c>{"name", "params"}</c>) into tool instances: each registered name maps to a
/// factory that receives the whole <see cref="ToolSpec"/>.
/// </summary>
/// <remarks>
/// <para>
/// A new registry knows the built-in tools under their tool names and under the Python SDK's class names, so specs
/// written by either SDK resolve: <c>terminal</c>/<c>TerminalTool</c>, <c>file_editor</c>/<c>FileEditorTool</c>,
/// <c>finish</c>/<c>FinishTool</c>, <c>think</c>/<c>ThinkTool</c> and <c>switch_llm</c>/<c>SwitchLLMTool</c>.
/// Names are case-sensitive.
/// </para>
/// <para>
/// Parameters the built-ins understand: for the terminal, <c>timeout_seconds</c> (or <c>timeout</c>; the default
/// command timeout in seconds), <c>max_output_chars</c> and <c>shell_path</c>. Other parameters (for example the
/// Python terminal's <c>username</c> or <c>terminal_type</c>) are ignored, so specs written by Python still resolve.
/// </para>
/// <para>Thread-safe: registering and creating may happen concurrently.</para>
/// </remarks>
public sealed class ToolRegistry
{
    private readonly ConcurrentDictionary<string, Func<ToolSpec, ITool>> _factories = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="ToolRegistry"/> class with the built-in tools registered.</summary>
    public ToolRegistry()
    {
        RegisterBoth(TerminalTool.ToolName, "TerminalTool", spec => new TerminalTool(TerminalOptions(spec)));
        RegisterBoth(FileEditorTool.ToolName, "FileEditorTool", _ => new FileEditorTool());
        RegisterBoth(FinishTool.ToolName, "FinishTool", _ => new FinishTool());
        RegisterBoth(ThinkTool.ToolName, "ThinkTool", _ => new ThinkTool());
        RegisterBoth(SwitchLlmTool.ToolName, "SwitchLLMTool", _ => new SwitchLlmTool());
    }

    /// <summary>Gets the registry conversations use unless they are given another one.</summary>
    /// <remarks>Shared by the whole process: tools an application registers here are available to every such conversation.</remarks>
    public static ToolRegistry Default { get; } = new();

    /// <summary>Gets the registered names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers a tool factory under a name, replacing any factory registered under that name before.</summary>
    /// <param name="name">The name specs use, for example <c>my_tool</c>.</param>
    /// <param name="factory">Creates the tool from its spec (the spec's <see cref="ToolSpec.Params"/> configure it).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    public void Register(string name, Func<ToolSpec, ITool> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name] = factory;
    }

    /// <summary>Gets whether a factory is registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when <see cref="Create"/> can resolve the name.</returns>
    public bool Contains(string name) => name is not null && _factories.ContainsKey(name);

    /// <summary>Creates the tool a spec names, configured by the spec's parameters.</summary>
    /// <param name="spec">The persisted spec.</param>
    /// <returns>A new tool instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The spec has no name, or a parameter a built-in tool understands has an invalid value.</exception>
    /// <exception cref="UnknownToolException">No factory is registered under the spec's name.</exception>
    /// <exception cref="InvalidOperationException">The registered factory returned <see langword="null"/>.</exception>
    public ITool Create(ToolSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Name, nameof(spec));
        if (!_factories.TryGetValue(spec.Name, out var factory))
        {
            throw new UnknownToolException(spec.Name, Names);
        }

        return factory(spec) ?? throw new InvalidOperationException($"The factory registered for tool '{spec.Name}' returned null.");
    }

    private void RegisterBoth(string toolName, string pythonClassName, Func<ToolSpec, ITool> factory)
    {
        Register(toolName, factory);
        Register(pythonClassName, factory);
    }

    private static TerminalToolOptions TerminalOptions(ToolSpec spec)
    {
        var options = new TerminalToolOptions();
        var parameters = new ToolArguments($"Tool '{spec.Name}'", spec.Params ?? ImmutableDictionary<string, JsonElement>.Empty);
        var timeoutName = spec.Params?.ContainsKey("timeout_seconds") == true ? "timeout_seconds" : "timeout";
        if (parameters.Number(timeoutName) is { } seconds)
        {
            if (seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                parameters.Invalid(timeoutName, "a positive number of seconds");
            }
            else
            {
                options = options with { Timeout = TimeSpan.FromSeconds(seconds) };
            }
        }

        if (parameters.Number("max_output_chars") is { } max)
        {
            if (max < TerminalToolOptions.MinMaxOutputLength || max > int.MaxValue || max != Math.Floor(max))
            {
                parameters.Invalid("max_output_chars", $"a whole number of at least {TerminalToolOptions.MinMaxOutputLength}");
            }
            else
            {
                options = options with { MaxOutputLength = (int)max };
            }
        }

        if (parameters.String("shell_path", strict: true) is { } shell)
        {
            if (string.IsNullOrWhiteSpace(shell))
            {
                parameters.Invalid("shell_path", "the path or name of a shell");
            }
            else
            {
                options = options with { ShellPath = shell };
            }
        }

        return parameters.Error is { } error ? throw new ArgumentException(error, nameof(spec)) : options;
    }
}
