using System.Text.Json.Nodes;

namespace OpenHands.Cli;

/// <summary>Recognizes the files the Python CLI and agent server write with an LLM (and its key) inside.</summary>
internal static class LegacyFiles
{
    /// <summary>The Python CLI's serialized agent (<c>{"llm": {...}, "tools": [...], "kind": "Agent"}</c>).</summary>
    public const string AgentSettingsFileName = "agent_settings.json";

    /// <summary>Whether a <c>settings.json</c> still embeds <c>agent_settings.llm</c>.</summary>
    public static bool SettingsHasEmbeddedLlm(JsonNode? root) =>
        root is JsonObject o && o["agent_settings"] is JsonObject a && a["llm"] is JsonObject;

    /// <summary>Whether a serialized agent still holds an LLM: its own, or its condenser's.</summary>
    public static bool AgentHasLlm(JsonNode? root) =>
        root is JsonObject o && (o["llm"] is JsonObject || o["condenser"] is JsonObject c && c["llm"] is JsonObject);
}
