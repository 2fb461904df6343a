using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;
using Polly;
using Polly.Retry;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>
/// Reads the event websocket of one conversation into a channel: (re)connects through a Polly retry with backoff,
/// skips the per-connection <c>full_state</c> snapshot and every event id already delivered, stops on 4001 (error)
/// and 4004 (end).
/// </summary>
internal sealed class EventSocketPump
{
    private const int AuthenticationFailed = 4001;
    private const int ConversationGone = 4004;
    private const int PolicyViolation = 1008;
    private const string FullStateKey = "full_state";

    private readonly AgentServerClient _client;
    private readonly Guid _conversationId;
    private readonly RemoteEventStreamOptions _options;
    private readonly ChannelWriter<ConversationEvent> _writer;
    private readonly ILogger _logger;
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private int _failuresSinceConnect;
    private string? _lastTimestamp;     // raw, as the server wrote it: sent back verbatim on a live-only reconnect
    private string? _snapshotTimestamp;
    private bool _connectedOnce;
    private ExceptionDispatchInfo? _error;

    public EventSocketPump(AgentServerClient client, Guid conversationId, RemoteEventStreamOptions options, ChannelWriter<ConversationEvent> writer, ILogger logger)
    {
        _client = client;
        _conversationId = conversationId;
        _options = new RemoteEventStreamOptions { IncludeHistory = options.IncludeHistory, Since = options.Since };
        _writer = writer;
        _logger = logger;
    }

    /// <summary>Runs until the stream ends, fails or is cancelled; never throws (see <see cref="ThrowIfFailed"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _client.Time, Name = "OpenHands.Remote.Events" }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is SocketLostException),
                DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(NextDelay()),
                OnRetry = args =>
                {
                    _logger.SocketReconnecting(_conversationId, args.Outcome.Exception?.Message ?? "closed", args.RetryDelay.TotalSeconds);
                    return default;
                },
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(async token => await ConnectAndReadAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The reader stopped.
        }
        catch (Exception e)
        {
            _error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            _writer.TryComplete();
        }
    }

    public void ThrowIfFailed() => _error?.Throw();

    /// <summary>ReconnectDelay × 2^(failures − 1), at most MaxReconnectDelay; the count restarts after every successful connect.</summary>
    private TimeSpan NextDelay()
    {
        var failures = Math.Max(1, _failuresSinceConnect);
        var seconds = _client.ReconnectDelay.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, _client.MaxReconnectDelay.TotalSeconds));
    }

    private string Query()
    {
        if (_options.Since is { } since)
        {
            return "resend_mode=since&after_timestamp=" + Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture));
        }

        if (_options.IncludeHistory)
        {
            return "resend_mode=all";
        }

        // Live only: after a reconnect, ask for what happened since the last thing seen (the dedupe drops the overlap).
        var after = _connectedOnce ? _lastTimestamp ?? _snapshotTimestamp : null;
        return after is null ? string.Empty : "resend_mode=since&after_timestamp=" + Uri.EscapeDataString(after);
    }

    private async Task ConnectAndReadAsync(CancellationToken cancellationToken)
    {
        _failuresSinceConnect++;
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (_client.SessionApiKey is { } key)
        {
            socket.Options.SetRequestHeader(AgentServerClient.SessionKeyHeader, key.Reveal());
        }

        var query = Query();
        var uri = _client.WebSocketUri($"sockets/events/{_conversationId}{(query.Length == 0 ? string.Empty : "?" + query)}");
        try
        {
            await socket.ConnectAsync(uri, _client.Invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            switch (socket.HttpStatusCode)
            {
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    throw new AgentServerAuthenticationException(
                        $"The agent server at {_client.BaseAddress} rejected the session API key on the event websocket of conversation {_conversationId} (HTTP {(int)socket.HttpStatusCode}).",
                        (int)socket.HttpStatusCode, null);
                case HttpStatusCode.NotFound:
                    throw new ConversationNotFoundException(
                        _conversationId, $"The agent server at {_client.BaseAddress} has no event websocket for conversation {_conversationId} (HTTP 404).", null);
                default:
                    throw new SocketLostException(_client.Redact(
                        socket.HttpStatusCode == 0 ? $"connect failed: {e.Message}" : $"upgrade answered HTTP {(int)socket.HttpStatusCode}"), e);
            }
        }

        _failuresSinceConnect = 0;
        _connectedOnce = true;
        _logger.SocketConnected(_conversationId, query.Length == 0 ? "live" : query);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException && !cancellationToken.IsCancellationRequested)
            {
                throw new SocketLostException(_client.Redact($"connection lost: {e.Message}"), e);
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                var code = (int?)socket.CloseStatus ?? 0;
                var reason = socket.CloseStatusDescription ?? string.Empty;
                switch (code)
                {
                    case AuthenticationFailed:
                        throw new AgentServerAuthenticationException(
                            $"The agent server at {_client.BaseAddress} closed the event websocket of conversation {_conversationId} with 4001 ({reason}): the session API key was rejected.",
                            null, reason);
                    case ConversationGone:
                        _logger.SocketClosed(_conversationId, code, reason);
                        await CloseQuietlyAsync(socket).ConfigureAwait(false);
                        return;
                    case PolicyViolation:
                        // The server refused the query itself: asking again the same way cannot help.
                        throw new AgentServerRequestException(
                            $"The agent server at {_client.BaseAddress} refused the event websocket of conversation {_conversationId} (close code 1008): {reason}", null, reason, null);
                    default:
                        throw new SocketLostException($"closed by the server with {code} ({reason})", null);
                }
            }

            buffer.Advance(result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                await DeliverAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }

            buffer.ResetWrittenCount();
        }
    }

    private async Task DeliverAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        ConversationEvent e;
        string? timestamp;
        try
        {
            timestamp = JsonSerializer.Deserialize(frame.Span, OpenHandsJson.Redacted.Contract<EventStamp>())?.Timestamp;
            e = EventJsonCodec.FromBytes(frame.Span);
        }
        catch (Exception ex) when (ex is JsonException or Llms.Internal.LlmFormatException)
        {
            _logger.FrameSkipped(_conversationId, ex.Message);
            return;
        }

        if (e is ConversationStateUpdateEvent { Key: FullStateKey })
        {
            _snapshotTimestamp ??= timestamp;
            return;
        }

        if (e is StreamingDeltaEvent)
        {
            // Live only: never persisted, so never replayed. It neither moves the resume point nor takes a slot in
            // the delivered set (a long reply has thousands).
            await _writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_delivered.Add(e.Id))
        {
            return;
        }

        _lastTimestamp = timestamp ?? _lastTimestamp;
        await _writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The server is already gone.
        }
    }

    /// <summary>The connection ended in a way a reconnect may fix.</summary>
    private sealed class SocketLostException(string message, Exception? innerException) : Exception(message, innerException);
}
