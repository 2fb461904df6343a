namespace OpenHands.Sdk.Conversations.Events;

/// <summary>A tool call as the model sent it (JSON object <c>tool_call</c>).</summary>
/// <param name="Id">The provider's tool-call id.</param>
/// <param name="Name">The tool's name.</param>
/// <param name="Arguments">The arguments, as the JSON text the model produced.</param>
/// <param name="Origin">The API the call came from: <c>completion</c> or <c>responses</c>.</param>
public sealed record ToolCallRecord(string Id, string Name, string Arguments, string Origin = "completion");
