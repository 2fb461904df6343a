using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Conversations;

/// <summary>
/// The persisted state of a conversation (<c>base_state.json</c>), without its events.
/// </summary>
/// <remarks>
/// The LLM is kept as a reference, <see cref="LlmProfile"/>, plus a secret-free snapshot, <see cref="LlmSnapshot"/>
/// (model, base URL, options; never a key), used when the profile cannot be resolved on restore.
/// </remarks>
public sealed record ConversationState
{
    /// <summary>Gets the conversation's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Gets where the run stands.</summary>
    public ConversationExecutionStatus ExecutionStatus { get; init; }

    /// <summary>Gets the LLM profile the agent uses, or <see langword="null"/> for an LLM built in code that was never persisted.</summary>
    public ProfileReference? LlmProfile { get; init; }

    /// <summary>Gets the agent's LLM without any secret: the fallback when <see cref="LlmProfile"/> cannot be resolved.</summary>
    public required Llm LlmSnapshot { get; init; }

    /// <summary>Gets the LLM profile of the condenser when it is not the agent's own (<c>agent_state.condenser_profile</c>).</summary>
    public ProfileReference? CondenserProfile { get; init; }

    /// <summary>Gets the agent's tools as persisted specs.</summary>
    public ImmutableArray<ToolSpec> Tools { get; init; } = [];

    /// <summary>Gets the folder the tools work in.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Gets the most agent steps one run takes.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Gets token usage and cost per LLM usage id.</summary>
    public ImmutableDictionary<string, LlmUsageMetrics> Metrics { get; init; } = ImmutableDictionary<string, LlmUsageMetrics>.Empty;

    /// <summary>Gets which actions wait for the user's confirmation (JSON <c>confirmation_policy</c>).</summary>
    /// <value>The default is <see cref="NeverConfirm"/>.</value>
    public ConfirmationPolicy ConfirmationPolicy { get; init; } = ConfirmationPolicy.Never;

    /// <summary>Gets the analyzer that rates each action's risk (JSON <c>security_analyzer</c>), or <see langword="null"/> for none.</summary>
    public ISecurityAnalyzer? SecurityAnalyzer { get; init; }

    /// <summary>Gets whether the run loop stops a run that repeats itself (JSON <c>stuck_detection</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool StuckDetection { get; init; } = true;

    /// <summary>Gets the names of the secrets the tools can use, sorted (never their values).</summary>
    public IReadOnlyList<string> SecretNames => [.. Secrets.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Gets the secrets as persisted in <c>secret_registry</c> (Fernet tokens; no token when there is no cipher).</summary>
    internal ImmutableDictionary<string, SecretEntry> Secrets { get; init; } = ImmutableDictionary<string, SecretEntry>.Empty;

    /// <summary>Gets the persisted <c>security_analyzer</c> of a kind this SDK does not know (kept and written back).</summary>
    internal JsonElement? UnknownSecurityAnalyzer { get; init; }

    /// <summary>Gets the agent fields this SDK does not model (kept as JSON and written back).</summary>
    internal ImmutableDictionary<string, JsonElement> AgentProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets the <c>agent_state</c> entries other than <c>llm_profile</c>.</summary>
    internal ImmutableDictionary<string, JsonElement> AgentState { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Gets the top-level fields this SDK does not model.</summary>
    internal ImmutableDictionary<string, JsonElement> AdditionalProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
