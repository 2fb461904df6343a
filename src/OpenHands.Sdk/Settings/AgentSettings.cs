using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// How to build an agent: its kind, tools and prompt options, and the LLM profile it uses — by reference only.
/// </summary>
/// <remarks>
/// There is deliberately no LLM field: <see cref="LlmProfile"/> names a profile, and <see langword="null"/> means
/// the active profile. Fields this SDK does not model (MCP configuration, condenser, verification, ACP options…)
/// are kept in <see cref="AdditionalProperties"/> and written back unchanged.
/// </remarks>
public sealed record AgentSettings
{
    /// <summary>The schema version written for agent settings (the Python SDK's current version).</summary>
    public const int CurrentSchemaVersion = 5;

    /// <summary>Gets the kind of agent.</summary>
    public AgentKind AgentKind { get; init; }

    /// <summary>Gets the agent class name.</summary>
    /// <value>The default is <c>CodeActAgent</c>.</value>
    public string Agent { get; init; } = "CodeActAgent";

    /// <summary>Gets the LLM profile the agent uses; <see langword="null"/> for the active profile.</summary>
    public ProfileReference? LlmProfile { get; init; }

    /// <summary>Gets the tools; <see langword="null"/> for the default set, empty for none.</summary>
    public ImmutableArray<ToolSpec>? Tools { get; init; }

    /// <summary>Gets text appended to the system prompt (<c>agent_context.system_message_suffix</c>).</summary>
    public string? SystemMessageSuffix { get; init; }

    /// <summary>Gets whether sub-agents may be started.</summary>
    public bool EnableSubAgents { get; init; }

    /// <summary>Gets whether the agent gets the <c>switch_llm</c> tool.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableSwitchLlmTool { get; init; } = true;

    /// <summary>Gets how many tools may run at once.</summary>
    /// <value>The default is 1. Must be at least 1.</value>
    public int ToolConcurrencyLimit
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ToolConcurrencyLimit), value, "ToolConcurrencyLimit must be at least 1.");
    } = 1;

    /// <summary>Gets fields this SDK does not model, kept as JSON and written back unchanged.</summary>
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
