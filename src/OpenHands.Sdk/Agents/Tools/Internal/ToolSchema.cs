using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>Builds the JSON object schemas of tool arguments (the simplified shape the Python SDK sends: type, description, enum, items, required).</summary>
internal static class ToolSchema
{
    public static JsonElement Object(IReadOnlyList<string> required, params (string Name, JsonObject Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }

        var root = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = new JsonArray([.. required.Select(r => (JsonNode)JsonValue.Create(r))]),
        };

        using var document = JsonDocument.Parse(root.ToJsonString());
        return document.RootElement.Clone();
    }

    public static JsonObject String(string description, params string[] allowed)
    {
        var schema = new JsonObject { ["type"] = "string", ["description"] = description };
        if (allowed.Length > 0)
        {
            schema["enum"] = new JsonArray([.. allowed.Select(a => (JsonNode)JsonValue.Create(a))]);
        }

        return schema;
    }

    public static JsonObject Boolean(string description) => new() { ["type"] = "boolean", ["description"] = description };

    public static JsonObject Number(string description) => new() { ["type"] = "number", ["description"] = description };

    public static JsonObject Integer(string description) => new() { ["type"] = "integer", ["description"] = description };

    public static JsonObject IntegerArray(string description) =>
        new() { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "integer" }, ["description"] = description };
}
