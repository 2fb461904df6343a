using System.Text.Json.Serialization;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Wire;

/// <summary>
/// <c>POST /api/conversations</c>. The LLM comes by reference (<c>llm_profile</c>, else the active profile); a legacy
/// inline <c>agent.llm</c> is stored as a profile once. The condenser's LLM is a profile too (<c>condenser_profile</c>,
/// else the agent's). The other fields of the Python request are accepted and ignored.
/// </summary>
internal sealed class StartConversationRequest
{
    public string? ConversationId { get; set; }

    public string? LlmProfile { get; set; }

    /// <summary>Gets or sets the seed PR's name for <see cref="LlmProfile"/> (an LLM profile by name).</summary>
    public string? LlmProfileId { get; set; }

    /// <summary>Gets or sets the seed issue's name for <see cref="LlmProfile"/>.</summary>
    public string? ProfileName { get; set; }

    /// <summary>Gets or sets the seed issue's <c>{"name"}</c>: the agent profile of that name, else the LLM profile of that name.</summary>
    public AgentProfileNameRequest? AgentProfile { get; set; }

    /// <summary>Gets or sets the agent profile to launch, by id (Python 1.43); exclusive with <see cref="Agent"/> and <see cref="AgentSettings"/>.</summary>
    public string? AgentProfileId { get; set; }

    public string? CondenserProfile { get; set; }

    public ConfirmationPolicyDocument? ConfirmationPolicy { get; set; }

    public EventKindDocument? SecurityAnalyzer { get; set; }

    public Dictionary<string, SecretInput?>? Secrets { get; set; }

    public bool? StuckDetection { get; set; }

    public AgentRequest? Agent { get; set; }

    /// <summary>Gets or sets the Python request's <c>agent_settings</c>: only whether it is there is used (it excludes <see cref="AgentProfileId"/>).</summary>
    public System.Text.Json.JsonElement? AgentSettings { get; set; }

    public int? MaxIterations { get; set; }

    public WorkspaceRequest? Workspace { get; set; }

    public SendMessageRequest? InitialMessage { get; set; }
}

/// <summary>The seed issue's <c>agent_profile: {"name": …}</c> start field.</summary>
internal sealed class AgentProfileNameRequest
{
    public string? Name { get; set; }
}

/// <summary>The agent of a start request: its tools, MCP servers and condenser, and (legacy) an inline LLM.</summary>
internal sealed class AgentRequest
{
    public string? Kind { get; set; }

    public LlmDocument? Llm { get; set; }

    public List<ToolDocument?>? Tools { get; set; }

    public McpConfigDocument? McpConfig { get; set; }

    public CondenserDocument? Condenser { get; set; }
}

/// <summary>The <c>workspace</c> of a start request: the working folder on the server's machine.</summary>
internal sealed class WorkspaceRequest
{
    public string? WorkingDir { get; set; }

    public string? Kind { get; set; }
}

/// <summary><c>POST /api/conversations/{id}/events</c>, the start's <c>initial_message</c> and a websocket frame: a user message.</summary>
internal sealed class SendMessageRequest
{
    public string? Role { get; set; }

    public List<MessagePart?>? Content { get; set; }

    public bool Run { get; set; }
}

/// <summary>One part of a message; only <c>{"type": "text", "text": …}</c> parts carry text here.</summary>
internal sealed class MessagePart
{
    public string? Type { get; set; }

    public string? Text { get; set; }
}

/// <summary><c>PATCH /api/conversations/{id}</c>: a new title and/or tags.</summary>
internal sealed class UpdateConversationRequest
{
    public string? Title { get; set; }

    public Dictionary<string, string>? Tags { get; set; }
}

/// <summary><c>POST /api/conversations/{id}/switch_profile</c>.</summary>
internal sealed class SwitchProfileRequest
{
    public string? ProfileName { get; set; }
}

/// <summary><c>POST /api/conversations/{id}/switch_llm</c> (deprecated: the LLM is stored as a profile first).</summary>
internal sealed class SwitchLlmRequest
{
    public LlmDocument? Llm { get; set; }
}

/// <summary>
/// A conversation as the server shows it (<c>GET /api/conversations/{id}</c>, search, start, the websocket's
/// <c>full_state</c>): its profile reference and the secret-free snapshot of its LLM (<c>api_key</c> is null).
/// </summary>
internal sealed class ConversationInfo
{
    public required string Id { get; init; }

    public AgentInfo? Agent { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? LlmProfile { get; init; }

    /// <summary>Gets the seed PR's name for <see cref="LlmProfile"/>: the LLM profile the conversation is bound to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? LlmProfileId { get; init; }

    /// <summary>Gets the agent profile the conversation was launched from, at which revision (provenance only); null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public LaunchedAgentProfileDocument? LaunchedAgentProfile { get; init; }

    public WorkspaceRequest? Workspace { get; init; }

    public int MaxIterations { get; init; }

    public required string ExecutionStatus { get; init; }

    /// <summary>Gets which actions wait for confirmation (<c>{"kind": "NeverConfirm"}</c> and the like).</summary>
    public ConfirmationPolicyDocument? ConfirmationPolicy { get; init; }

    /// <summary>Gets the analyzer that rates actions (<c>{"kind": "PatternSecurityAnalyzer"}</c>), or null for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public EventKindDocument? SecurityAnalyzer { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Title { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public string? CreatedAt { get; init; }

    public string? UpdatedAt { get; init; }

    public string? CurrentModelId { get; init; }

    /// <summary>Gets the usage so far, summed over the conversation's LLMs (the Python <c>metrics</c> snapshot).</summary>
    public MetricsDocument? Metrics { get; init; }

    /// <summary>Gets the damaged files of a conversation restored from damaged files; absent for a healthy one.</summary>
    public IReadOnlyList<DamagedFileInfo>? DamagedFiles { get; init; }

    /// <summary>Gets whether the conversation is read-only because of damaged files; absent for a healthy one.</summary>
    public bool? ReadOnly { get; init; }
}

/// <summary>One damaged file of a conversation: which, how (<c>unreadable</c> or <c>missing</c>), and for an event its index and id.</summary>
internal sealed class DamagedFileInfo
{
    public required string File { get; init; }

    public required string Kind { get; init; }

    public string? Problem { get; init; }

    public int? EventIndex { get; init; }

    public string? EventId { get; init; }
}

/// <summary>The agent of a <see cref="ConversationInfo"/>.</summary>
internal sealed class AgentInfo
{
    public string Kind { get; init; } = "Agent";

    public LlmDocument? Llm { get; init; }

    public IReadOnlyList<ToolDocument>? Tools { get; init; }
}

/// <summary>A page of events: each event in the Python SDK's event shape.</summary>
internal sealed class EventPage
{
    [JsonConverter(typeof(EventListConverter))]
    public required IReadOnlyList<ConversationEvent> Items { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? NextPageId { get; init; }
}
