namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>How a file of a persisted conversation is damaged.</summary>
public enum ConversationFileDamageKind
{
    /// <summary>The file is there but cannot be read: truncated, not JSON, or not the expected shape.</summary>
    Unreadable = 0,

    /// <summary>The file is missing: <c>base_state.json</c> beside events, or an event index between two present ones.</summary>
    Missing = 1,
}
