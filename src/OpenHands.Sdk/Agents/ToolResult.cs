using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Agents;

/// <summary>What a tool call produced: text for the model, and fields persisted in the observation.</summary>
/// <param name="Text">The text the model sees.</param>
/// <param name="IsError">Whether the call failed.</param>
public sealed record ToolResult(string Text, bool IsError = false)
{
    /// <summary>Gets extra fields written into the persisted observation payload (for example <c>exit_code</c>, <c>path</c>).</summary>
    public ImmutableDictionary<string, JsonElement> Fields { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Creates a failed result.</summary>
    /// <param name="text">What went wrong, for the model.</param>
    /// <returns>The result.</returns>
    public static ToolResult Error(string text) => new(text, IsError: true);
}
