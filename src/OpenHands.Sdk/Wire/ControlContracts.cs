using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Converters;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Wire;

// The control routes of a conversation, in the Python agent-server's shapes: confirmation, secrets, condensation,
// side questions, the final response and forks.

/// <summary><c>POST /api/conversations/{id}/confirmation_policy</c>: <c>{"policy": {"kind": "ConfirmRisky", "threshold": "MEDIUM"}}</c>.</summary>
internal sealed class ConfirmationPolicyRequest
{
    public ConfirmationPolicyDocument? Policy { get; set; }
}

/// <summary><c>POST /api/conversations/{id}/security_analyzer</c>: <c>{"security_analyzer": {"kind": …} | null}</c>.</summary>
internal sealed class SecurityAnalyzerRequest
{
    public EventKindDocument? SecurityAnalyzer { get; set; }
}

/// <summary><c>POST /api/conversations/{id}/events/respond_to_confirmation</c>: accept the pending actions, or reject them with a reason.</summary>
internal sealed class ConfirmationResponseRequest
{
    [JsonConverter(typeof(StrictBooleanConverter))]
    public bool? Accept { get; set; }

    [JsonConverter(typeof(StrictStringConverter))]
    public string? Reason { get; set; }
}

/// <summary>
/// <c>POST /api/conversations/{id}/secrets</c> and the start request's <c>secrets</c>: each value is a string or a
/// secret source (<c>{"kind": "StaticSecret", "value": …, "description": …}</c>).
/// </summary>
internal sealed class UpdateSecretsRequest
{
    public Dictionary<string, SecretInput?>? Secrets { get; set; }
}

/// <summary>One secret of a request: its value, its description, and the kind of source it came as.</summary>
[JsonConverter(typeof(SecretInputConverter))]
internal sealed class SecretInput
{
    public string? Value { get; init; }

    public string? Description { get; init; }

    /// <summary>Gets the source's <c>kind</c> (<c>StaticSecret</c> for a plain string).</summary>
    public string? Kind { get; init; }

    /// <summary>Gets whether the source names a URL to read the value from (a Python <c>LookupSecret</c>).</summary>
    public bool IsLookup { get; init; }
}

/// <summary><c>POST /api/conversations/{id}/ask_agent</c>.</summary>
internal sealed class AskAgentRequest
{
    [JsonConverter(typeof(StrictStringConverter))]
    public string? Question { get; set; }
}

/// <summary>The answer of <c>ask_agent</c> and of <c>GET …/agent_final_response</c>: <c>{"response": "…"}</c>.</summary>
internal sealed class AgentResponse
{
    public required string Response { get; init; }
}

/// <summary><c>POST /api/conversations/{id}/fork</c>: the fork's id, title and tags, and where to cut the history.</summary>
internal sealed class ForkConversationRequest
{
    [JsonConverter(typeof(StrictStringConverter))]
    public string? Id { get; set; }

    [JsonConverter(typeof(StrictStringConverter))]
    public string? Title { get; set; }

    public Dictionary<string, string>? Tags { get; set; }

    public bool ResetMetrics { get; set; } = true;

    [JsonConverter(typeof(StrictStringConverter))]
    public string? FromEventId { get; set; }
}

/// <summary><c>POST /api/mcp/test</c>: one candidate MCP server, checked without saving anything.</summary>
internal sealed class McpTestRequest
{
    [JsonConverter(typeof(StrictStringConverter))]
    public string? Name { get; set; }

    /// <summary>Gets or sets the server: stdio (<c>command</c>, <c>args</c>, <c>env</c>, <c>cwd</c>) or remote (<c>url</c>, <c>headers</c>); <c>type</c> or <c>transport</c> says which.</summary>
    public McpServerDocument? Server { get; set; }

    public double? Timeout { get; set; }

    public McpToolCallRequest? ToolCall { get; set; }
}

/// <summary>A tool to call once the tools are listed (a read-only one: it runs as given).</summary>
internal sealed class McpToolCallRequest
{
    [JsonConverter(typeof(StrictStringConverter))]
    public string? Name { get; set; }

    public Dictionary<string, JsonElement>? Arguments { get; set; }
}

/// <summary>
/// The answer of <c>POST /api/mcp/test</c>, always 200: <c>{"ok": true, "tools": […], "tool_result": …}</c> or
/// <c>{"ok": false, "error": "…", "error_kind": "timeout" | "connection" | "unknown"}</c>.
/// </summary>
internal sealed class McpTestResponse
{
    public bool Ok { get; init; }

    public IReadOnlyList<string>? Tools { get; init; }

    public McpToolCallResult? ToolResult { get; init; }

    public string? Error { get; init; }

    public string? ErrorKind { get; init; }
}

/// <summary>The outcome of the test's tool call, as the server reported it.</summary>
internal sealed class McpToolCallResult
{
    public bool IsError { get; init; }

    public required string Text { get; init; }
}
