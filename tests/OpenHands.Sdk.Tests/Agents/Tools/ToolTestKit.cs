using System.Text.Json;
using OpenHands.Sdk.Agents;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>Builds tool calls and contexts, and reads observation fields, for the built-in tool tests.</summary>
internal static class ToolTestKit
{
    public static ToolCall Call(string toolName, object arguments) =>
        new("call_" + Guid.NewGuid().ToString("N")[..8], toolName, JsonSerializer.SerializeToElement(arguments));

    public static ToolCall CallJson(string toolName, string argumentsJson)
    {
        using var document = JsonDocument.Parse(argumentsJson);
        return new ToolCall("call_1", toolName, document.RootElement.Clone());
    }

    public static ToolContext Context(string workingDirectory, ILlmSwitcher? switcher = null) =>
        new(workingDirectory, Guid.NewGuid()) { LlmSwitcher = switcher };

    public static string? StringField(this ToolResult result, string name) =>
        result.Fields.TryGetValue(name, out var value) ? value.GetString() : null;

    public static int IntField(this ToolResult result, string name) => result.Fields[name].GetInt32();

    public static bool BoolField(this ToolResult result, string name) => result.Fields[name].GetBoolean();
}
