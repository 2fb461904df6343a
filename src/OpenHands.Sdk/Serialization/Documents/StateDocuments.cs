using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary><c>base_state.json</c> in the Python SDK's shape; top-level fields this version does not model are kept.</summary>
internal sealed class ConversationStateDocument
{
    public string? Id { get; set; }

    public AgentDocument? Agent { get; set; }

    public WorkspaceDocument? Workspace { get; set; }

    public string? PersistenceDir { get; set; }

    public int? MaxIterations { get; set; }

    public bool? StuckDetection { get; set; }

    [JsonConverter(typeof(ExecutionStatusConverter))]
    public ConversationExecutionStatus ExecutionStatus { get; set; }

    public ConfirmationPolicyDocument? ConfirmationPolicy { get; set; }

    public JsonElement? SecurityAnalyzer { get; set; }

    public StatsDocument? Stats { get; set; }

    public SecretRegistryDocument? SecretRegistry { get; set; }

    public AgentStateDocument? AgentState { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The <c>agent</c>: its LLM (a secret-free snapshot), tools, the fields this version does not model, and <c>kind</c> last.</summary>
internal sealed class AgentDocument
{
    public LlmDocument? Llm { get; set; }

    public List<ToolDocument?>? Tools { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>A tool spec: its name and parameters (in <c>settings.json</c> and in <c>base_state.json</c>).</summary>
internal sealed class ToolDocument
{
    public string? Name { get; set; }

    public ImmutableDictionary<string, JsonElement>? Params { get; set; }
}

/// <summary>The <c>workspace</c>; only the folder is modeled.</summary>
internal sealed class WorkspaceDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? WorkingDir { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Kind { get; set; }
}

/// <summary>The <c>stats</c>: usage per LLM usage id, written in ordinal order of the ids.</summary>
internal sealed class StatsDocument
{
    public SortedDictionary<string, MetricsDocument>? UsageToMetrics { get; set; }
}

/// <summary>The metrics of one usage id.</summary>
internal sealed class MetricsDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? ModelName { get; set; }

    public double AccumulatedCost { get; set; }

    public TokenUsageDocument? AccumulatedTokenUsage { get; set; }

    public int Calls { get; set; }
}

/// <summary>The accumulated token usage of one usage id.</summary>
internal sealed class TokenUsageDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Model { get; set; }

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    public long CacheReadTokens { get; set; }

    public long CacheWriteTokens { get; set; }

    public long ReasoningTokens { get; set; }

    public long ContextWindow { get; set; }

    public long PerTurnToken { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? ResponseId { get; set; }
}

/// <summary>The <c>agent_state</c> map: the LLM profile reference first, then the other entries.</summary>
internal sealed class AgentStateDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? LlmProfile { get; set; }

    /// <summary>Gets or sets the condenser's LLM profile, when it is not the agent's own.</summary>
    [JsonConverter(typeof(LooseStringConverter))]
    public string? CondenserProfile { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>A <c>confirmation_policy</c>: <c>ConfirmRisky</c>'s fields, the fields this version does not model, <c>kind</c> last.</summary>
internal sealed class ConfirmationPolicyDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Threshold { get; set; }

    public bool? ConfirmUnknown { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>The <c>secret_registry</c>: a source per secret name.</summary>
internal sealed class SecretRegistryDocument
{
    public Dictionary<string, SecretSourceDocument?>? SecretSources { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>A secret source: the value (a Fernet token here, never plaintext), its description, <c>kind</c> last.</summary>
internal sealed class SecretSourceDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Value { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Description { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
