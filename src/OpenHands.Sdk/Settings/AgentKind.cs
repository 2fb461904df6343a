namespace OpenHands.Sdk.Settings;

/// <summary>Which kind of agent the settings describe (JSON field <c>agent_kind</c>).</summary>
public enum AgentKind
{
    /// <summary>The standard LLM-backed OpenHands agent (<c>"openhands"</c>; legacy <c>"llm"</c> reads as this).</summary>
    OpenHands = 0,

    /// <summary>An agent behind the Agent Client Protocol (<c>"acp"</c>).</summary>
    Acp = 1,
}
