using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Settings;

/// <summary>Defaults for new conversations (JSON object <c>conversation_settings</c>).</summary>
public sealed record ConversationSettings
{
    /// <summary>The schema version written for conversation settings.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Gets the most agent steps one run may take.</summary>
    /// <value>The default is 500. Must be at least 1.</value>
    public int MaxIterations
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIterations), value, "MaxIterations must be at least 1.");
    } = 500;

    /// <summary>Gets whether actions wait for confirmation before they run.</summary>
    public bool ConfirmationMode { get; init; }

    /// <summary>Gets the security analyzer: <c>llm</c>, <c>none</c> or <see langword="null"/>.</summary>
    /// <value>The default is <c>llm</c>.</value>
    public string? SecurityAnalyzer { get; init; } = "llm";

    /// <summary>Gets fields this SDK does not model, kept as JSON and written back unchanged.</summary>
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
