using System.Text.Json;

namespace OpenHands.Sdk.Agents;

/// <summary>One call of a tool requested by the model.</summary>
/// <param name="Id">The provider's tool-call id.</param>
/// <param name="Name">The tool's name.</param>
/// <param name="Arguments">The arguments: a JSON object.</param>
public sealed record ToolCall(string Id, string Name, JsonElement Arguments);
