using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// A field of the conversation state changed. A profile switch and a restore fallback are announced with the key
/// <c>llm_profile</c> and a value naming the profile, the model and, for a fallback, the reason.
/// </summary>
public sealed class ConversationStateUpdateEvent : ConversationEvent
{
    /// <summary>The key of profile switches and restore fallbacks.</summary>
    public const string LlmProfileKey = "llm_profile";

    /// <inheritdoc/>
    public override string Kind => "ConversationStateUpdateEvent";

    /// <summary>Gets the state field that changed.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the new value, as JSON.</summary>
    public required JsonElement Value { get; init; }
}
