using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Settings.Internal;

/// <summary>
/// Reads every schema of <c>settings.json</c> the Python SDK has written (v0–v2, agent settings v0–v5) and writes the
/// current one, through <see cref="SettingsDocument"/>. The legacy embedded <c>agent_settings.llm</c> is handed back
/// separately and never written.
/// </summary>
internal static class SettingsCodec
{
    /// <summary>Parses a settings document. Returns the legacy LLM object when the file still embeds one.</summary>
    /// <exception cref="LlmFormatException">The document is not valid settings.</exception>
    public static (PersistedSettings Settings, JsonObject? LegacyLlm) Read(JsonNode? node)
    {
        if (node is not JsonObject root)
        {
            throw new LlmFormatException("the top-level JSON value is not an object");
        }

        SchemaVersion.Read(Element(root["schema_version"]), PersistedSettings.CurrentSchemaVersion, "settings");
        JsonObject? legacyLlm = null;
        if (root["agent_settings"] is JsonObject agent)
        {
            // The Python SDK's migrations work on the raw tree; the migrated tree is then read as the current schema.
            var migrated = (JsonObject)agent.DeepClone();
            MigrateAgentSettings(migrated);
            legacyLlm = migrated["llm"] switch
            {
                null => null,
                JsonObject llm => llm,
                _ => throw new LlmFormatException("field 'agent_settings.llm' must be an object"),
            };
            migrated.Remove("llm");
            root = (JsonObject)root.DeepClone();
            root["agent_settings"] = migrated;
        }

        SettingsDocument? document;
        try
        {
            document = root.Deserialize(OpenHandsJson.RedactedIndented.Contract<SettingsDocument>());
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }

        return (FromDocument(document!), legacyLlm);
    }

    /// <summary>Parses the bytes of a settings file (see <see cref="Read(JsonNode?)"/>).</summary>
    /// <exception cref="LlmFormatException">The text is not JSON or not valid settings.</exception>
    public static (PersistedSettings Settings, JsonObject? LegacyLlm) Read(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = JsonSerializer.Deserialize(utf8, OpenHandsJsonContext.Default.JsonNode);
        }
        catch (JsonException ex)
        {
            throw new LlmFormatException(JsonErrors.Describe(ex), ex);
        }

        return Read(node);
    }

    /// <summary>Writes settings in the current schema, indented like the Python SDK's file.</summary>
    public static byte[] Write(PersistedSettings settings)
    {
        var a = settings.AgentSettings;
        var c = settings.ConversationSettings;
        var document = new SettingsDocument
        {
            SchemaVersion = UnknownFields.Element(PersistedSettings.CurrentSchemaVersion),
            AgentSettings = new AgentSettingsDocument
            {
                SchemaVersion = UnknownFields.Element(AgentSettings.CurrentSchemaVersion),
                AgentKind = a.AgentKind,
                Agent = a.Agent,
                LlmProfile = a.LlmProfile?.Name.Value,
                Tools = a.Tools is { } tools ? [.. tools.Select(t => new ToolDocument { Name = t.Name, Params = t.Params })] : null,
                EnableSubAgents = a.EnableSubAgents,
                EnableSwitchLlmTool = a.EnableSwitchLlmTool,
                ToolConcurrencyLimit = a.ToolConcurrencyLimit,
                Unknown = AgentExtras(a),
            },
            ConversationSettings = new ConversationSettingsDocument
            {
                SchemaVersion = UnknownFields.Element(ConversationSettings.CurrentSchemaVersion),
                MaxIterations = c.MaxIterations,
                ConfirmationMode = c.ConfirmationMode,
                SecurityAnalyzer = c.SecurityAnalyzer,
                Unknown = UnknownFields.ForWrite(c.AdditionalProperties),
            },
            ActiveProfile = settings.ActiveProfile?.Value,
            ActiveAgentProfileId = settings.ActiveAgentProfileId,
            MiscSettings = settings.MiscSettings,
            Unknown = UnknownFields.ForWrite(settings.AdditionalProperties),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, OpenHandsJson.RedactedIndented.Contract<SettingsDocument>());
    }

    /// <summary>Applies the agent-settings migrations v0→v5 in place (the Python SDK's steps).</summary>
    internal static void MigrateAgentSettings(JsonObject a)
    {
        var version = SchemaVersion.Read(Element(a["schema_version"]), AgentSettings.CurrentSchemaVersion, "agent settings");
        if (version < 1 && a["agent_kind"] is null)
        {
            a["agent_kind"] = "openhands";
        }

        if (version < 3 && a["verification"] is JsonObject verification)
        {
            // Moved to conversation settings in v3.
            verification.Remove("confirmation_mode");
            verification.Remove("security_analyzer");
        }

        if (version < 5 && a["mcp_config"] is JsonObject mcp)
        {
            a["mcp_config"] = MigrateMcpConfig(mcp);
        }

        // "llm" is the legacy name of the OpenHands kind, still accepted at any version (v1→v2 step).
        if (a["agent_kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k == "llm")
        {
            a["agent_kind"] = "openhands";
        }

        a["schema_version"] = AgentSettings.CurrentSchemaVersion;
    }

    private static PersistedSettings FromDocument(SettingsDocument document)
    {
        var active = document.ActiveProfile;
        return new PersistedSettings
        {
            AgentSettings = document.AgentSettings is { } agent ? ToAgentSettings(agent) : new AgentSettings(),
            ConversationSettings = document.ConversationSettings is { } conversation ? ToConversationSettings(conversation) : new ConversationSettings(),
            ActiveProfile = string.IsNullOrEmpty(active) ? null
                : ProfileName.TryCreate(active, out var name) ? name
                : throw new LlmFormatException($"field 'active_profile' is not a valid profile name ('{active}')"),
            ActiveAgentProfileId = document.ActiveAgentProfileId,
            MiscSettings = document.MiscSettings ?? ImmutableDictionary<string, JsonElement>.Empty,
            AdditionalProperties = UnknownFields.Take(document.Unknown),
        };
    }

    private static AgentSettings ToAgentSettings(AgentSettingsDocument a)
    {
        var extra = UnknownFields.Take(a.Unknown);
        // agent_context is an unknown field kept raw (its other entries round-trip untouched); only an object holds the suffix.
        var suffix = extra.TryGetValue("agent_context", out var context) && context.ValueKind == JsonValueKind.Object
            ? context.Deserialize(OpenHandsJson.Redacted.Contract<AgentContextDocument>())?.SystemMessageSuffix
            : null;
        var profile = a.LlmProfile;
        ImmutableArray<ToolSpec>? tools = null;
        if (a.Tools is { } list)
        {
            var builder = ImmutableArray.CreateBuilder<ToolSpec>(list.Count);
            foreach (var tool in list)
            {
                builder.Add(tool is { Name: { } toolName } && !string.IsNullOrWhiteSpace(toolName)
                    ? new ToolSpec(toolName, tool.Params ?? ImmutableDictionary<string, JsonElement>.Empty)
                    : throw new LlmFormatException("each entry of 'agent_settings.tools' must be an object with a 'name' string"));
            }

            tools = builder.MoveToImmutable();
        }

        try
        {
            return new AgentSettings
            {
                AgentKind = a.AgentKind,
                Agent = a.Agent ?? "CodeActAgent",
                LlmProfile = string.IsNullOrEmpty(profile) ? null
                    : ProfileName.TryCreate(profile, out var name) ? new ProfileReference(name)
                    : throw new LlmFormatException($"field 'agent_settings.llm_profile' is not a valid profile name ('{profile}')"),
                Tools = tools,
                SystemMessageSuffix = suffix,
                EnableSubAgents = a.EnableSubAgents ?? false,
                EnableSwitchLlmTool = a.EnableSwitchLlmTool ?? true,
                ToolConcurrencyLimit = a.ToolConcurrencyLimit ?? 1,
                AdditionalProperties = extra,
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new LlmFormatException($"field 'agent_settings.tool_concurrency_limit' is out of range: {ex.Message}", ex);
        }
    }

    private static ConversationSettings ToConversationSettings(ConversationSettingsDocument c)
    {
        SchemaVersion.Read(c.SchemaVersion, ConversationSettings.CurrentSchemaVersion, "conversation settings");
        var max = c.MaxIterations ?? 500;
        return max < 1
            ? throw new LlmFormatException("field 'conversation_settings.max_iterations' must be at least 1")
            : new ConversationSettings
            {
                MaxIterations = max,
                ConfirmationMode = c.ConfirmationMode ?? false,
                SecurityAnalyzer = c.SecurityAnalyzer,
                AdditionalProperties = UnknownFields.Take(c.Unknown),
            };
    }

    /// <summary>
    /// The agent fields this version does not model, <c>agent_context</c> first with <c>system_message_suffix</c> set to
    /// <see cref="AgentSettings.SystemMessageSuffix"/> (its other entries kept in their order).
    /// </summary>
    private static Dictionary<string, JsonElement>? AgentExtras(AgentSettings a)
    {
        var extra = a.AdditionalProperties;
        // As in ToAgentSettings: the raw agent_context object, its other entries kept as they are.
        Dictionary<string, JsonElement>? context = extra.TryGetValue("agent_context", out var c) && c.ValueKind == JsonValueKind.Object
            ? c.Deserialize(OpenHandsJsonContext.Default.DictionaryStringJsonElement)
            : a.SystemMessageSuffix is null ? null : [];
        var others = extra.Remove("agent_context");
        if (context is null)
        {
            return UnknownFields.ForWrite(others);
        }

        context["system_message_suffix"] = JsonSerializer.SerializeToElement(a.SystemMessageSuffix, OpenHandsJsonContext.Default.String);
        var result = new Dictionary<string, JsonElement>(others.Count + 1, StringComparer.Ordinal)
        {
            ["agent_context"] = JsonSerializer.SerializeToElement(context, OpenHandsJsonContext.Default.DictionaryStringJsonElement),
        };
        foreach (var (key, value) in UnknownFields.Ordered(others))
        {
            result[key] = value;
        }

        return result;
    }

    private static JsonObject MigrateMcpConfig(JsonObject mcp)
    {
        // Legacy shape: {"mcpServers": {name: server}} → {name: server}; "type" renamed "transport".
        var servers = mcp["mcpServers"] is JsonObject wrapped && mcp.Count == 1 ? wrapped : mcp;
        var result = new JsonObject();
        foreach (var (name, server) in servers)
        {
            var copy = server?.DeepClone();
            if (copy is JsonObject s && s["type"] is { } type && s["transport"] is null)
            {
                s.Remove("type");
                s["transport"] = type.DeepClone();
            }

            result[name] = copy;
        }

        return result;
    }

    private static JsonElement? Element(JsonNode? node) =>
        node is null ? null : JsonSerializer.SerializeToElement(node, OpenHandsJsonContext.Default.JsonNode);
}
