namespace OpenHands.Sdk.Conversations.Events;

/// <summary>Who produced an event (JSON field <c>source</c>).</summary>
public enum EventSource
{
    /// <summary>The agent (<c>"agent"</c>).</summary>
    Agent = 0,

    /// <summary>The user (<c>"user"</c>).</summary>
    User = 1,

    /// <summary>The environment: tools and the runtime (<c>"environment"</c>).</summary>
    Environment = 2,

    /// <summary>A hook (<c>"hook"</c>).</summary>
    Hook = 3,
}
