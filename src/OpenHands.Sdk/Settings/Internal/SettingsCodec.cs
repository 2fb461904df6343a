using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Settings.Internal;

/// <summary>
/// Reads every schema of <c>settings.json</c> the Python SDK has written (v0–v2, agent settings v0–v5) and writes the
/// current one. The legacy embedded <c>agent_settings.llm</c> is handed back separately and never written.
/// </summary>
internal static class SettingsCodec
{
    private static readonly string[] AgentKnown =
        ["schema_version", "agent_kind", "agent", "llm", "llm_profile", "tools", "enable_sub_agents", "enable_switch_llm_tool", "tool_concurrency_limit"];

    private static readonly string[] ConversationKnown = ["schema_version", "max_iterations", "confirmation_mode", "security_analyzer"];

    private static readonly string[] RootKnown =
        ["schema_version", "agent_settings", "conversation_settings", "active_profile", "active_agent_profile_id", "misc_settings"];

    /// <summary>Parses a settings document. Returns the legacy LLM object when the file still embeds one.</summary>
    /// <exception cref="LlmFormatException">The document is not valid settings.</exception>
    public static (PersistedSettings Settings, JsonObject? LegacyLlm) Read(JsonNode? node)
    {
        if (node is not JsonObject root)
        {
            throw new LlmFormatException("the top-level JSON value is not an object");
        }

        SchemaVersion.Read(Element(root["schema_version"]), PersistedSettings.CurrentSchemaVersion, "settings");
        var (agent, legacyLlm) = root["agent_settings"] switch
        {
            null => (new AgentSettings(), null),
            JsonObject a => ReadAgentSettings(a),
            _ => throw new LlmFormatException("field 'agent_settings' must be an object"),
        };

        var conversation = root["conversation_settings"] switch
        {
            null => new ConversationSettings(),
            JsonObject c => ReadConversationSettings(c),
            _ => throw new LlmFormatException("field 'conversation_settings' must be an object"),
        };

        var active = JsonRead.String(Element(root["active_profile"]) ?? default, "active_profile");
        var settings = new PersistedSettings
        {
            AgentSettings = agent,
            ConversationSettings = conversation,
            ActiveProfile = string.IsNullOrEmpty(active) ? null
                : ProfileName.TryCreate(active, out var name) ? name
                : throw new LlmFormatException($"field 'active_profile' is not a valid profile name ('{active}')"),
            ActiveAgentProfileId = JsonRead.String(Element(root["active_agent_profile_id"]) ?? default, "active_agent_profile_id"),
            MiscSettings = root["misc_settings"] switch
            {
                null => ImmutableDictionary<string, JsonElement>.Empty,
                JsonObject m => Map(m, []),
                _ => throw new LlmFormatException("field 'misc_settings' must be an object"),
            },
            AdditionalProperties = Map(root, RootKnown),
        };
        return (settings, legacyLlm);
    }

    /// <summary>Writes settings in the current schema, indented like the Python SDK's file.</summary>
    public static byte[] Write(PersistedSettings settings)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer, LlmJsonCodec.IndentedWriter))
        {
            w.WriteStartObject();
            w.WriteNumber("schema_version", PersistedSettings.CurrentSchemaVersion);
            w.WritePropertyName("agent_settings");
            WriteAgentSettings(w, settings.AgentSettings);
            w.WritePropertyName("conversation_settings");
            WriteConversationSettings(w, settings.ConversationSettings);
            WriteNullable(w, "active_profile", settings.ActiveProfile?.Value);
            WriteNullable(w, "active_agent_profile_id", settings.ActiveAgentProfileId);
            WriteMap(w, "misc_settings", settings.MiscSettings);
            JsonRead.WriteProperties(w, settings.AdditionalProperties);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
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

    private static (AgentSettings, JsonObject?) ReadAgentSettings(JsonObject source)
    {
        var a = (JsonObject)source.DeepClone();
        MigrateAgentSettings(a);
        var legacyLlm = a["llm"] switch
        {
            null => null,
            JsonObject llm => llm,
            _ => throw new LlmFormatException("field 'agent_settings.llm' must be an object"),
        };

        var extra = Map(a, AgentKnown);
        string? suffix = null;
        if (a["agent_context"] is JsonObject context && context["system_message_suffix"] is JsonValue s && s.TryGetValue<string>(out var text))
        {
            suffix = text;
        }

        var kind = JsonRead.String(Element(a["agent_kind"]) ?? default, "agent_settings.agent_kind") switch
        {
            null or "openhands" => AgentKind.OpenHands,
            "acp" => AgentKind.Acp,
            var other => throw new LlmFormatException($"field 'agent_settings.agent_kind' must be 'openhands' or 'acp', not '{other}'"),
        };

        var profile = JsonRead.String(Element(a["llm_profile"]) ?? default, "agent_settings.llm_profile");
        try
        {
            var settings = new AgentSettings
            {
                AgentKind = kind,
                Agent = JsonRead.String(Element(a["agent"]) ?? default, "agent_settings.agent") ?? "CodeActAgent",
                LlmProfile = string.IsNullOrEmpty(profile) ? null
                    : ProfileName.TryCreate(profile, out var name) ? new ProfileReference(name)
                    : throw new LlmFormatException($"field 'agent_settings.llm_profile' is not a valid profile name ('{profile}')"),
                Tools = ReadTools(a["tools"]),
                SystemMessageSuffix = suffix,
                EnableSubAgents = JsonRead.Bool(Element(a["enable_sub_agents"]) ?? default, "agent_settings.enable_sub_agents") ?? false,
                EnableSwitchLlmTool = JsonRead.Bool(Element(a["enable_switch_llm_tool"]) ?? default, "agent_settings.enable_switch_llm_tool") ?? true,
                ToolConcurrencyLimit = JsonRead.Int(Element(a["tool_concurrency_limit"]) ?? default, "agent_settings.tool_concurrency_limit") ?? 1,
                AdditionalProperties = extra,
            };
            return (settings, legacyLlm);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new LlmFormatException($"field 'agent_settings.tool_concurrency_limit' is out of range: {ex.Message}", ex);
        }
    }

    private static ConversationSettings ReadConversationSettings(JsonObject c)
    {
        SchemaVersion.Read(Element(c["schema_version"]), ConversationSettings.CurrentSchemaVersion, "conversation settings");
        var max = JsonRead.Int(Element(c["max_iterations"]) ?? default, "conversation_settings.max_iterations") ?? 500;
        if (max < 1)
        {
            throw new LlmFormatException("field 'conversation_settings.max_iterations' must be at least 1");
        }

        return new ConversationSettings
        {
            MaxIterations = max,
            ConfirmationMode = JsonRead.Bool(Element(c["confirmation_mode"]) ?? default, "conversation_settings.confirmation_mode") ?? false,
            SecurityAnalyzer = c.ContainsKey("security_analyzer")
                ? JsonRead.String(Element(c["security_analyzer"]) ?? default, "conversation_settings.security_analyzer")
                : "llm",
            AdditionalProperties = Map(c, ConversationKnown),
        };
    }

    private static ImmutableArray<ToolSpec>? ReadTools(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            throw new LlmFormatException("field 'agent_settings.tools' must be an array");
        }

        var tools = ImmutableArray.CreateBuilder<ToolSpec>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject tool || tool["name"] is not JsonValue n || !n.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
            {
                throw new LlmFormatException("each entry of 'agent_settings.tools' must be an object with a 'name' string");
            }

            var parameters = tool["params"] switch
            {
                null => ImmutableDictionary<string, JsonElement>.Empty,
                JsonObject p => Map(p, []),
                _ => throw new LlmFormatException($"field 'params' of tool '{name}' must be an object"),
            };
            tools.Add(new ToolSpec(name, parameters));
        }

        return tools.ToImmutable();
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

    private static void WriteAgentSettings(Utf8JsonWriter w, AgentSettings a)
    {
        w.WriteStartObject();
        w.WriteNumber("schema_version", AgentSettings.CurrentSchemaVersion);
        w.WriteString("agent_kind", a.AgentKind == AgentKind.Acp ? "acp" : "openhands");
        w.WriteString("agent", a.Agent);
        WriteNullable(w, "llm_profile", a.LlmProfile?.Name.Value);
        if (a.Tools is { } tools)
        {
            w.WriteStartArray("tools");
            foreach (var tool in tools)
            {
                w.WriteStartObject();
                w.WriteString("name", tool.Name);
                WriteMap(w, "params", tool.Params);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("tools");
        }

        w.WriteBoolean("enable_sub_agents", a.EnableSubAgents);
        w.WriteBoolean("enable_switch_llm_tool", a.EnableSwitchLlmTool);
        w.WriteNumber("tool_concurrency_limit", a.ToolConcurrencyLimit);

        var extra = a.AdditionalProperties;
        var context = extra.TryGetValue("agent_context", out var c) && c.ValueKind == JsonValueKind.Object
            ? (JsonObject)JsonNode.Parse(c.GetRawText())!
            : a.SystemMessageSuffix is null ? null : new JsonObject();
        if (context is not null)
        {
            context["system_message_suffix"] = a.SystemMessageSuffix;
            w.WritePropertyName("agent_context");
            context.WriteTo(w);
        }

        JsonRead.WriteProperties(w, extra.Remove("agent_context"));
        w.WriteEndObject();
    }

    private static void WriteConversationSettings(Utf8JsonWriter w, ConversationSettings c)
    {
        w.WriteStartObject();
        w.WriteNumber("schema_version", ConversationSettings.CurrentSchemaVersion);
        w.WriteNumber("max_iterations", c.MaxIterations);
        w.WriteBoolean("confirmation_mode", c.ConfirmationMode);
        WriteNullable(w, "security_analyzer", c.SecurityAnalyzer);
        JsonRead.WriteProperties(w, c.AdditionalProperties);
        w.WriteEndObject();
    }

    private static ImmutableDictionary<string, JsonElement> Map(JsonObject source, string[] known)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                builder[key] = Element(value) ?? JsonDocument.Parse("null").RootElement.Clone();
            }
        }

        return builder.ToImmutable();
    }

    private static JsonElement? Element(JsonNode? node) =>
        node is null ? null : JsonSerializer.SerializeToElement(node, SettingsJsonContext.Default.JsonNode);

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteMap(Utf8JsonWriter w, string name, ImmutableDictionary<string, JsonElement> map)
    {
        w.WriteStartObject(name);
        JsonRead.WriteProperties(w, map);
        w.WriteEndObject();
    }

}
