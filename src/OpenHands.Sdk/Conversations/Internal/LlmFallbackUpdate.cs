using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The value of the <c>llm_fallback</c> state update: the call of the conversation's own LLM (<c>from_*</c>) failed after
/// its retries and is answered by a fallback profile (<c>profile</c>, <c>model</c>). The conversation's reference does not change.
/// </summary>
internal sealed record LlmFallbackUpdate(
    [property: JsonPropertyName("from_profile")] string? FromProfile,
    [property: JsonPropertyName("from_model")] string FromModel,
    [property: JsonPropertyName("profile")] string Profile,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("reason")] string Reason);
