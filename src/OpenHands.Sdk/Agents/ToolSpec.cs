using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Agents;

/// <summary>A tool as persisted in settings and conversation state: its name and parameters (<c>{"name", "params"}</c>).</summary>
/// <param name="Name">The tool's name, for example <c>TerminalTool</c>.</param>
/// <param name="Params">The tool's parameters as JSON values.</param>
public sealed record ToolSpec(string Name, ImmutableDictionary<string, JsonElement> Params)
{
    /// <summary>Initializes a new instance of the <see cref="ToolSpec"/> record without parameters.</summary>
    /// <param name="name">The tool's name.</param>
    public ToolSpec(string name)
        : this(name, ImmutableDictionary<string, JsonElement>.Empty)
    {
    }
}
