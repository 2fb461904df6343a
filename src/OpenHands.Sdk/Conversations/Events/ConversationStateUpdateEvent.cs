using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// A field of the conversation state changed. A profile switch and a restore fallback are announced with the key
/// <c>llm_profile</c> and a value naming the profile, the model and, for a fallback, the reason. A call answered by a
/// fallback profile is announced with the key <c>llm_fallback</c>.
/// </summary>
public sealed class ConversationStateUpdateEvent : ConversationEvent
{
    /// <summary>The key of profile switches and restore fallbacks.</summary>
    public const string LlmProfileKey = "llm_profile";

    /// <summary>
    /// The key of a call answered by a fallback profile (<see cref="Llms.Llm.FallbackProfiles"/>); the value names both
    /// profiles and models: <c>{"from_profile", "from_model", "profile", "model", "reason"}</c>. The conversation keeps its
    /// own profile reference: the next call tries its own LLM again.
    /// </summary>
    public const string LlmFallbackKey = "llm_fallback";

    /// <inheritdoc/>
    public override string Kind => "ConversationStateUpdateEvent";

    /// <summary>Gets the state field that changed.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the new value, as JSON.</summary>
    public required JsonElement Value { get; init; }
}
