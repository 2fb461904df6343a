using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Wire;

/// <summary><c>GET /api/agent-profiles</c>: the readable profiles and the active pointer (as stored, even when it names no profile).</summary>
internal sealed class AgentProfileListResponse
{
    public required IReadOnlyList<AgentProfileInfo> Profiles { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ActiveAgentProfileId { get; init; }
}

/// <summary>One entry of <see cref="AgentProfileListResponse"/>; <c>llm_profile_ref</c> is null for an ACP profile.</summary>
internal sealed class AgentProfileInfo
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Id { get; init; }

    public required string Name { get; init; }

    public required string AgentKind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Revision { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? LlmProfileRef { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<string>? McpServerRefs { get; init; }
}

/// <summary><c>GET /api/agent-profiles/{name}</c>: the profile in its canonical (version 2) form.</summary>
internal sealed class AgentProfileDetailResponse
{
    public required string Name { get; init; }

    public required JsonElement Profile { get; init; }
}

/// <summary>The answer of an agent-profile save, delete or rename.</summary>
internal sealed class AgentProfileMutationResponse
{
    public required string Name { get; init; }

    public required string Message { get; init; }
}

/// <summary><c>POST /api/agent-profiles/{profile_id}/activate</c>: a pointer in settings; no agent settings are written.</summary>
internal sealed class AgentProfileActivateResponse
{
    public required string Id { get; init; }

    public required string Message { get; init; }

    public bool AgentSettingsApplied { get; init; }
}

/// <summary><c>POST /api/agent-profiles/{name}/rename</c>.</summary>
internal sealed class RenameAgentProfileRequest
{
    public string? NewName { get; set; }
}

/// <summary><c>POST /api/agent-profiles/{name}/materialize</c>: what a launch would resolve, computed without writing anything.</summary>
internal sealed class AgentProfileDiagnostics
{
    public required string AgentKind { get; init; }

    public bool Valid { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? LlmProfileRef { get; init; }

    public bool LlmProfileResolved { get; init; }

    public bool LlmApiKeySet { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<string>? McpServerRefs { get; init; }

    public IReadOnlyList<string> ResolvedMcpConfigKeys { get; init; } = [];

    public IReadOnlyList<string> DanglingMcpServerRefs { get; init; } = [];

    public IReadOnlyList<string> DisabledSkills { get; init; } = [];

    public IReadOnlyList<string> ResolvedSkills { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AcpApiKeySecretName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AcpBaseUrlSecretName { get; init; }

    public IReadOnlyList<string> AcpFileSecretNames { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResolvedAgentSettings? ResolvedSettings { get; init; }
}

/// <summary>The agent settings a launch of a valid profile would use, secrets redacted (the key is never shown).</summary>
internal sealed class ResolvedAgentSettings
{
    public required string AgentKind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Agent { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public OpenHands.Sdk.Serialization.Documents.LlmDocument? Llm { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<OpenHands.Sdk.Serialization.Documents.ToolDocument>? Tools { get; init; }

    public IReadOnlyList<string> McpServers { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SystemMessageSuffix { get; init; }

    public IReadOnlyList<string> DisabledSkills { get; init; } = [];
}
