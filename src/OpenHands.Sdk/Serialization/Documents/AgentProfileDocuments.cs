using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>
/// An agent profile as read (a file or a request body), before validation: every field of both variants, each setter
/// recording that the field was present (even as <see langword="null"/>), so the codec can reject fields of the other
/// variant and unknown keys, as the Python model (<c>extra="forbid"</c>) does.
/// </summary>
internal sealed class AgentProfileInputDocument
{
    [JsonIgnore]
    public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

    public int? SchemaVersion { get; set => (field, _) = (value, Present.Add("schema_version")); }

    public string? Id { get; set => (field, _) = (value, Present.Add("id")); }

    public string? Name { get; set => (field, _) = (value, Present.Add("name")); }

    public int? Revision { get; set => (field, _) = (value, Present.Add("revision")); }

    public List<string>? McpServerRefs { get; set => (field, _) = (value, Present.Add("mcp_server_refs")); }

    public string? AgentKind { get; set => (field, _) = (value, Present.Add("agent_kind")); }

    public string? LlmProfileRef { get; set => (field, _) = (value, Present.Add("llm_profile_ref")); }

    public string? Agent { get; set => (field, _) = (value, Present.Add("agent")); }

    public List<ToolDocument>? Tools { get; set => (field, _) = (value, Present.Add("tools")); }

    public string? SystemMessageSuffix { get; set => (field, _) = (value, Present.Add("system_message_suffix")); }

    public List<string>? DisabledSkills { get; set => (field, _) = (value, Present.Add("disabled_skills")); }

    public JsonElement? Condenser { get; set => (field, _) = (value, Present.Add("condenser")); }

    public AgentProfileVerificationDocument? Verification { get; set => (field, _) = (value, Present.Add("verification")); }

    public bool? EnableSubAgents { get; set => (field, _) = (value, Present.Add("enable_sub_agents")); }

    public bool? EnableSwitchLlmTool { get; set => (field, _) = (value, Present.Add("enable_switch_llm_tool")); }

    public int? ToolConcurrencyLimit { get; set => (field, _) = (value, Present.Add("tool_concurrency_limit")); }

    public string? AcpServer { get; set => (field, _) = (value, Present.Add("acp_server")); }

    public string? AcpModel { get; set => (field, _) = (value, Present.Add("acp_model")); }

    public string? AcpSessionMode { get; set => (field, _) = (value, Present.Add("acp_session_mode")); }

    public double? AcpPromptTimeout { get; set => (field, _) = (value, Present.Add("acp_prompt_timeout")); }

    public double? AcpStartupTimeout { get; set => (field, _) = (value, Present.Add("acp_startup_timeout")); }

    public string? AcpCommand { get; set => (field, _) = (value, Present.Add("acp_command")); }

    public List<string>? AcpArgs { get; set => (field, _) = (value, Present.Add("acp_args")); }

    /// <summary>Gets or sets the keys no variant knows (a v1 <c>skills</c> key is dropped by the migration).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The <c>verification</c> of an OpenHands agent profile: secret-free by design (no <c>critic_api_key</c>; unknown keys are dropped).</summary>
internal sealed class AgentProfileVerificationDocument
{
    public bool CriticEnabled { get; set; }

    public string CriticMode { get; set; } = "finish_and_message";

    public bool EnableIterativeRefinement { get; set; }

    public double CriticThreshold { get; set; } = 0.6;

    public int MaxRefinementIterations { get; set; } = 3;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? CriticServerUrl { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? CriticModelName { get; set; }
}

/// <summary>The fields both variants share, in the Python dump's order; nulls are written.</summary>
internal abstract class AgentProfileFileDocument
{
    [JsonPropertyOrder(-6)]
    public int SchemaVersion { get; set; } = 2;

    [JsonPropertyOrder(-5)]
    public string Id { get; set; } = "";

    [JsonPropertyOrder(-4)]
    public string Name { get; set; } = "";

    [JsonPropertyOrder(-3)]
    public int Revision { get; set; }

    [JsonPropertyOrder(-2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<string>? McpServerRefs { get; set; }

    [JsonPropertyOrder(-1)]
    public string AgentKind { get; set; } = "openhands";
}

/// <summary>An OpenHands agent profile as stored in <c>agent-profiles/&lt;name&gt;.json</c> and answered by the detail route.</summary>
internal sealed class OpenHandsAgentProfileFileDocument : AgentProfileFileDocument
{
    public string LlmProfileRef { get; set; } = "";

    public string Agent { get; set; } = "CodeActAgent";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<ToolDocument>? Tools { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SystemMessageSuffix { get; set; }

    public List<string> DisabledSkills { get; set; } = [];

    public JsonElement Condenser { get; set; }

    public AgentProfileVerificationDocument Verification { get; set; } = new();

    public bool EnableSubAgents { get; set; }

    public bool EnableSwitchLlmTool { get; set; } = true;

    public int ToolConcurrencyLimit { get; set; } = 1;
}

/// <summary>An ACP agent profile as stored: no LLM reference, no skills, no credential.</summary>
internal sealed class AcpAgentProfileFileDocument : AgentProfileFileDocument
{
    public string AcpServer { get; set; } = "claude-code";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AcpModel { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AcpSessionMode { get; set; }

    public double AcpPromptTimeout { get; set; } = 1800.0;

    public double AcpStartupTimeout { get; set; } = 90.0;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AcpCommand { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<string>? AcpArgs { get; set; }
}

/// <summary>Which agent profile, at which revision, a conversation was launched from (provenance only; never re-resolved).</summary>
internal sealed class LaunchedAgentProfileDocument
{
    public required string AgentProfileId { get; init; }

    public int Revision { get; init; }
}
