using System.Buffers;
using System.Net.WebSockets;
using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk.Wire;
using Microsoft.Extensions.Logging;

namespace OpenHands.AgentServer.Internal;

/// <summary>One subscriber's socket and what its loops share; sends are serialized (a websocket allows one at a time).</summary>
internal sealed class SocketSession(WebSocket socket, ConversationService.Entry entry, ConversationService conversations, AgentServerOptions options, ILogger logger, CancellationToken aborted, CancellationToken stopping)
    : IDisposable
{
    public WebSocket Socket { get; } = socket;

    public ConversationService.Entry Entry { get; } = entry;

    public ConversationService Conversations { get; } = conversations;

    public AgentServerOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public CancellationToken Aborted { get; } = aborted;

    public CancellationToken Stopping { get; } = stopping;

    public SemaphoreSlim SendGate { get; } = new(1, 1);

    public CancellationTokenSource ClientGone { get; } = new();

    public async Task SendAsync(byte[] frame)
    {
        await SendGate.WaitAsync(Aborted).ConfigureAwait(false);
        try
        {
            await Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, Aborted).ConfigureAwait(false);
        }
        finally
        {
            SendGate.Release();
        }
    }

    public void Dispose()
    {
        SendGate.Dispose();
        ClientGone.Dispose();
    }

    /// <summary>Sends a <c>ServerErrorEvent</c> (not persisted) telling the client why its frame was refused.</summary>
    public Task SendErrorAsync(ApiException error)
    {
        var detail = error.Items is { } items
            ? JsonSerializer.SerializeToElement(items, WireJson.Contract<IReadOnlyList<ValidationItem>>())
            : JsonSerializer.SerializeToElement(error.Message, WireJson.Contract<string>());
        var frame = new ServerErrorFrame
        {
            Id = Guid.NewGuid().ToString(),
            Timestamp = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            Code = error.StatusCode.ToString(CultureInfo.InvariantCulture),
            Detail = detail,
        };
        return SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame, WireJson.Contract<ServerErrorFrame>()));
    }

    /// <summary>Reads a client frame with the wire's contract; null, with the 422 in <paramref name="problem"/>, when it is not one.</summary>
    public static ClientFrame? ReadFrame(byte[] data, out ApiException? problem)
    {
        problem = BodyText.FindInvalidText(data);
        if (problem is not null)
        {
            return null;
        }

        try
        {
            var frame = JsonSerializer.Deserialize(data, WireJson.Contract<ClientFrame>());
            problem = frame is null ? ApiException.Validation("A frame must be a JSON object: a message {\"role\":\"user\",\"content\":[...]}", "model_type", "body") : null;
            return frame;
        }
        catch (JsonException e)
        {
            problem = BodyText.Problem(e);
            return null;
        }
    }

    /// <summary>Reads one whole message; its bytes are null when it is longer than <paramref name="maxBytes"/> (the rest is skipped).</summary>
    public static async Task<(WebSocketMessageType Type, byte[]? Data)> ReadMessageAsync(WebSocket socket, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            var tooBig = false;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (WebSocketMessageType.Close, null);
                }

                if (!tooBig && message.Length + result.Count <= maxBytes)
                {
                    message.Write(buffer, 0, result.Count);
                }
                else
                {
                    tooBig = true;
                }

                if (result.EndOfMessage)
                {
                    return (result.MessageType, tooBig ? null : message.ToArray());
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a close frame and waits briefly for the client's answer (or for <paramref name="pending"/>, a receive in flight).</summary>
    public static async Task CloseAsync(WebSocket socket, int code, string reason, Task? pending = null)
    {
        await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None).ConfigureAwait(false);
        await WaitQuietlyAsync(pending ?? ReadMessageAsync(socket, 0, CancellationToken.None)).ConfigureAwait(false);
    }

    /// <summary>Waits up to two seconds for a receive to finish; its failure (the client vanished) is expected here.</summary>
    public static async Task WaitQuietlyAsync(Task task)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // The socket is disposed right after; a client that never answers the close is simply dropped.
        }
    }
}
