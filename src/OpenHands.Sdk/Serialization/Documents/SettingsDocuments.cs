using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary><c>settings.json</c> in the current schema; top-level fields this version does not model are kept.</summary>
internal sealed class SettingsDocument
{
    public JsonElement? SchemaVersion { get; set; }

    public AgentSettingsDocument? AgentSettings { get; set; }

    public ConversationSettingsDocument? ConversationSettings { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ActiveProfile { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ActiveAgentProfileId { get; set; }

    public ImmutableDictionary<string, JsonElement>? MiscSettings { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>
/// <c>agent_settings</c> after the Python SDK's migrations (<c>SettingsCodec.MigrateAgentSettings</c>). The legacy
/// embedded <c>llm</c> is taken out before this is read, and never written.
/// </summary>
internal sealed class AgentSettingsDocument
{
    public JsonElement? SchemaVersion { get; set; }

    [JsonConverter(typeof(AgentKindConverter))]
    public AgentKind AgentKind { get; set; }

    public string? Agent { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? LlmProfile { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<ToolDocument?>? Tools { get; set; }

    public bool? EnableSubAgents { get; set; }

    public bool? EnableSwitchLlmTool { get; set; }

    public int? ToolConcurrencyLimit { get; set; }

    /// <summary>Gets or sets the fields this version does not model; <c>agent_context</c> among them, written first.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The part of <c>agent_context</c> this version models.</summary>
internal sealed class AgentContextDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? SystemMessageSuffix { get; set; }
}

/// <summary><c>conversation_settings</c>.</summary>
internal sealed class ConversationSettingsDocument
{
    public JsonElement? SchemaVersion { get; set; }

    public int? MaxIterations { get; set; }

    public bool? ConfirmationMode { get; set; }

    /// <summary>Gets or sets the analyzer; absent means <c>llm</c>, an explicit <see langword="null"/> means none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SecurityAnalyzer { get; set; } = "llm";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
