using System.Text.Json;

namespace OpenHands.Sdk.Wire;

/// <summary>
/// A frame a client sends on <c>/sockets/events/{id}</c>: <c>{"type": "auth", "session_api_key": …}</c>, or a user
/// message (<see cref="SendMessageRequest"/>'s fields), which also starts a run.
/// </summary>
internal sealed class ClientFrame
{
    public string? Type { get; set; }

    public string? SessionApiKey { get; set; }

    public string? Role { get; set; }

    public List<MessagePart?>? Content { get; set; }
}

/// <summary>The <c>ServerErrorEvent</c> a socket answers a refused frame with (not persisted).</summary>
internal sealed class ServerErrorFrame
{
    public string Kind { get; init; } = "ServerErrorEvent";

    public required string Id { get; init; }

    public required string Timestamp { get; init; }

    public string Source { get; init; } = "environment";

    public required string Code { get; init; }

    public required JsonElement Detail { get; init; }
}

/// <summary>The timestamp of an event frame as the server wrote it (sent back verbatim as <c>after_timestamp</c> on a reconnect).</summary>
internal sealed class EventStamp
{
    [System.Text.Json.Serialization.JsonConverter(typeof(OpenHands.Sdk.Serialization.Converters.LooseStringConverter))]
    public string? Timestamp { get; set; }
}
