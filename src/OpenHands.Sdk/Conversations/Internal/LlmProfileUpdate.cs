using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>The value of the <c>llm_profile</c> state update: the profile, the model and, for a fallback, why.</summary>
internal sealed record LlmProfileUpdate(
    [property: JsonPropertyName("profile")] string? Profile,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("fallback"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Fallback,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
