using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Wire;

// The REST contract of the agent server, shared by the server (which writes responses and reads requests with these
// types) and the remote client (which does the opposite). Names and shapes are the Python agent-server's: the
// TypeScript and Python clients depend on them. Unknown request fields are ignored, as there.

/// <summary><c>{"success": true}</c>: the answer of actions that return nothing else.</summary>
internal sealed class SuccessResponse
{
    public static readonly SuccessResponse Instance = new();

    public bool Success { get; init; } = true;
}

/// <summary>
/// An error answer: <c>{"detail": "…"}</c>. A 5xx also carries <c>exception</c> (where the Python server moves its
/// detail), an unexpected failure an <c>error_id</c> that ties it to the server's log line.
/// </summary>
internal sealed class ErrorResponse
{
    public required string Detail { get; init; }

    public string? Exception { get; init; }

    public string? ErrorId { get; init; }
}

/// <summary>A validation error in FastAPI's shape: <c>{"detail": [{"loc": […], "msg": "…", "type": "…"}]}</c>.</summary>
internal sealed class ValidationErrorResponse
{
    public required IReadOnlyList<ValidationItem> Detail { get; init; }
}

/// <summary>One validation problem: where (<c>["body", "llm", "temperature"]</c>), what and which kind.</summary>
internal sealed class ValidationItem
{
    /// <summary>Gets the location: strings, and array indexes as numbers.</summary>
    public required IReadOnlyList<JsonElement> Loc { get; init; }

    public required string Msg { get; init; }

    public required string Type { get; init; }
}

/// <summary>
/// Any error body as a client reads it: <c>detail</c> is a string, a list of <see cref="ValidationItem"/>s or an object,
/// so it is kept as it came.
/// </summary>
internal sealed class ErrorBody
{
    public JsonElement? Detail { get; set; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Exception { get; set; }
}

/// <summary><c>GET /alive</c> and <c>GET /ready</c>.</summary>
internal sealed class HealthStatus
{
    public required string Status { get; init; }
}

/// <summary><c>GET /server_info</c>.</summary>
internal sealed class ServerInfo
{
    public double Uptime { get; init; }

    public string? Version { get; init; }

    public required string Implementation { get; init; }

    public double Timestamp { get; init; }
}

/// <summary>A page of results: <c>{"items": […], "next_page_id": "…"|null}</c> (the id is an opaque offset).</summary>
internal sealed class Page<T>
{
    public required IReadOnlyList<T> Items { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? NextPageId { get; init; }
}
