using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// The contents of <c>settings.json</c>: agent and conversation settings and the active LLM profile pointer.
/// </summary>
/// <remarks>
/// Holds no LLM and no secret. <see cref="ActiveProfile"/> is a pointer: activating a profile sets it and copies
/// nothing. Whether an API key is configured is derived from the active profile
/// (<see cref="SettingsStore.GetLlmApiKeyIsSetAsync"/>).
/// </remarks>
public sealed record PersistedSettings
{
    /// <summary>The schema version written for <c>settings.json</c>.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Gets the agent settings.</summary>
    public AgentSettings AgentSettings { get; init; } = new();

    /// <summary>Gets the conversation settings.</summary>
    public ConversationSettings ConversationSettings { get; init; } = new();

    /// <summary>Gets the active LLM profile, or <see langword="null"/> when none is active.</summary>
    public ProfileName? ActiveProfile { get; init; }

    /// <summary>Gets the id of the active agent profile, or <see langword="null"/>.</summary>
    public string? ActiveAgentProfileId { get; init; }

    /// <summary>Gets free-form settings of front ends (<c>misc_settings</c>), kept as JSON.</summary>
    public ImmutableDictionary<string, JsonElement> MiscSettings { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets fields this SDK does not model, kept as JSON and written back unchanged.</summary>
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
