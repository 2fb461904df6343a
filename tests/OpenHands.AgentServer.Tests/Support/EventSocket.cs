using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>The events websocket of a test server, read frame by frame as JSON.</summary>
public static class EventSocket
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<ClientWebSocket> ConnectAsync(TestServer server, string path, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        var uri = new Uri(server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + path);
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    /// <summary>The next text frame as JSON, or null once the server closed the socket.</summary>
    public static async Task<JsonNode?> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(message.ToArray());
            }
        }
    }

    /// <summary>Reads frames until one matches; returns every frame read.</summary>
    public static async Task<List<JsonNode>> ReceiveUntilAsync(ClientWebSocket socket, Func<JsonNode, bool> stop)
    {
        var frames = new List<JsonNode>();
        while (true)
        {
            var frame = await ReceiveAsync(socket) ?? throw new AssertionException(
                $"socket closed ({socket.CloseStatus} {socket.CloseStatusDescription}) after {frames.Count} frames: {string.Join(", ", frames.Select(Kind))}");
            frames.Add(frame);
            if (stop(frame))
            {
                return frames;
            }
        }
    }

    public static string Kind(JsonNode? frame) => frame?["kind"]?.GetValue<string>() ?? $"(no event: {frame?.ToJsonString() ?? "socket closed"})";
}
