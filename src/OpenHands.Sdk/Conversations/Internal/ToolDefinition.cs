using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>A tool as the system prompt event lists it (the Python SDK's fields, in its order).</summary>
internal sealed record ToolDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("parameters")] JsonElement Parameters,
    [property: JsonPropertyName("kind")] string Kind);
