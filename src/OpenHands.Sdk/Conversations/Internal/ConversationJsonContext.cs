using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>Source-generated JSON metadata for the small values and documents the conversation writes.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(ToolDefinition))]
[JsonSerializable(typeof(LlmProfileUpdate))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;

/// <summary>A tool as the system prompt event lists it (the Python SDK's fields, in its order).</summary>
internal sealed record ToolDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("parameters")] JsonElement Parameters,
    [property: JsonPropertyName("kind")] string Kind);

/// <summary>The value of the <c>llm_profile</c> state update: the profile, the model and, for a fallback, why.</summary>
internal sealed record LlmProfileUpdate(
    [property: JsonPropertyName("profile")] string? Profile,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("fallback"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Fallback,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
