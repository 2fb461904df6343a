using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Wire;

/// <summary><c>GET</c> and <c>PATCH /api/settings</c>: settings without any LLM; the active profile is a pointer.</summary>
internal sealed class SettingsResponse
{
    public AgentSettingsDocument? AgentSettings { get; init; }

    public ConversationSettingsDocument? ConversationSettings { get; init; }

    public bool LlmApiKeyIsSet { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ActiveProfile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ActiveAgentProfileId { get; init; }

    public ImmutableDictionary<string, JsonElement> MiscSettings { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}

/// <summary>
/// <c>PATCH /api/settings</c>: RFC 7386 merge patches and the pointers. A pointer that is present, even as
/// <see langword="null"/>, is written (null clears it); an absent one is left as it is.
/// </summary>
internal sealed class SettingsPatchRequest
{
    public JsonObject? AgentSettingsDiff { get; set => (field, AgentSettingsDiffSet) = (value, true); }

    public JsonObject? ConversationSettingsDiff { get; set => (field, ConversationSettingsDiffSet) = (value, true); }

    public JsonObject? MiscSettingsDiff { get; set => (field, MiscSettingsDiffSet) = (value, true); }

    /// <summary>Gets or sets the profile to point to: a string, or JSON <see langword="null"/> to clear; absent (C# null) leaves it.</summary>
    public JsonElement? ActiveProfile { get; set => (field, ActiveProfileSet) = (value, true); }

    /// <summary>Gets or sets the agent profile id (a UUID string) or JSON <see langword="null"/>; absent leaves it.</summary>
    public JsonElement? ActiveAgentProfileId { get; set => (field, ActiveAgentProfileIdSet) = (value, true); }

    [JsonIgnore]
    public bool AgentSettingsDiffSet { get; private set; }

    [JsonIgnore]
    public bool ConversationSettingsDiffSet { get; private set; }

    [JsonIgnore]
    public bool MiscSettingsDiffSet { get; private set; }

    [JsonIgnore]
    public bool ActiveProfileSet { get; private set; }

    [JsonIgnore]
    public bool ActiveAgentProfileIdSet { get; private set; }

    /// <summary>Gets whether the request names anything to change.</summary>
    [JsonIgnore]
    public bool ChangesAnything => AgentSettingsDiffSet || ConversationSettingsDiffSet || MiscSettingsDiffSet || ActiveProfileSet || ActiveAgentProfileIdSet;
}
