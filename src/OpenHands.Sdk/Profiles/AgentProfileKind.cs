namespace OpenHands.Sdk.Profiles;

/// <summary>The kind of agent an <see cref="AgentProfile"/> launches (its <c>agent_kind</c>).</summary>
public enum AgentProfileKind
{
    /// <summary>An OpenHands agent (<c>"openhands"</c>) on the LLM profile named by <see cref="AgentProfile.LlmProfileRef"/>.</summary>
    OpenHands,

    /// <summary>An ACP agent (<c>"acp"</c>), whose model the ACP server chooses; it refers to no LLM profile.</summary>
    Acp,
}
