using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/sockets/bash-events</c>: every new bash event, live, as JSON frames; with <c>resend_mode=all</c> (or the
/// deprecated <c>resend_all=true</c>) the stored events first. Authenticated as the events websocket (key in the header
/// or query, else a first <c>{"type":"auth"}</c> frame). A client frame is an <c>ExecuteBashRequest</c> that starts a
/// command; a refused one is answered with a <c>BashError</c> frame and the socket stays open.
/// </summary>
/// <remarks>Close codes: 4001 authentication failed, 1013 too many subscribers, 1008 bad query, 1001 server stopping.</remarks>
internal static partial class BashSocketEndpoint
{
    public const string Route = "/sockets/bash-events";

    public static void Map(IEndpointRouteBuilder endpoints) => SocketsEndpoints.MapSocket(endpoints, Route, HandleAsync);

    private static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<AgentServerOptions>>().Value;
        var bash = services.GetRequiredService<BashEventService>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenHands.AgentServer.Sockets");
        using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        try
        {
            if (!await SocketsEndpoints.AuthenticateOrCloseAsync(http, socket, options).ConfigureAwait(false))
            {
                return;
            }

            var mode = http.Request.Query["resend_mode"].FirstOrDefault();
            var resendAll = mode == "all" || (mode is null && string.Equals(http.Request.Query["resend_all"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase));
            if (mode is not (null or "all"))
            {
                await SocketSession.CloseAsync(socket, (int)WebSocketCloseStatus.PolicyViolation, "resend_mode must be all").ConfigureAwait(false);
                return;
            }

            if (bash.Subscribe() is not { } subscription)
            {
                await SocketSession.CloseAsync(socket, 1013, "Too many bash event connections").ConfigureAwait(false);
                return;
            }

            try
            {
                await StreamAsync(socket, bash, subscription.Reader, resendAll, options, http.RequestAborted, stopping).ConfigureAwait(false);
            }
            finally
            {
                bash.Unsubscribe(subscription.Id);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            LogSocketEnded(logger, e);
        }
    }

    private static async Task StreamAsync(
        WebSocket socket, BashEventService bash, System.Threading.Channels.ChannelReader<BashEvent> reader, bool resendAll, AgentServerOptions options,
        CancellationToken aborted, CancellationToken stopping)
    {
        using var gate = new SemaphoreSlim(1, 1);
        async Task SendAsync(BashEvent e)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(e, WireJson.Contract<BashEvent>());
            await gate.WaitAsync(aborted).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, aborted).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        if (resendAll)
        {
            string? page = null;
            do
            {
                var found = bash.Store.Search(new BashEventQuery(PageId: page));
                foreach (var e in found.Items)
                {
                    await SendAsync(e).ConfigureAwait(false);
                }

                page = found.NextPageId;
            }
            while (page is not null);
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        var receiving = ReceiveLoopAsync(socket, bash, options, SendAsync, done);
        try
        {
            await foreach (var e in reader.ReadAllAsync(done.Token).ConfigureAwait(false))
            {
                await SendAsync(e).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The client left, or the server is stopping.
        }

        if (stopping.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            await SocketSession.CloseAsync(socket, (int)WebSocketCloseStatus.EndpointUnavailable, "Server shutting down", receiving).ConfigureAwait(false);
        }

        await SocketSession.WaitQuietlyAsync(receiving).ConfigureAwait(false);
        if (socket.State == WebSocketState.CloseReceived)
        {
            // The client closed: answer its close frame, so the handshake completes.
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Closed", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ReceiveLoopAsync(
        WebSocket socket, BashEventService bash, AgentServerOptions options, Func<BashEvent, Task> send, CancellationTokenSource done)
    {
        try
        {
            while (true)
            {
                var (type, data) = await SocketSession.ReadMessageAsync(socket, options.MaxRequestBodyBytes, CancellationToken.None).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    return;
                }

                try
                {
                    var request = data is null
                        ? throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"Frame too large: the limit is {options.MaxRequestBodyBytes} bytes.")
                        : JsonSerializer.Deserialize(data, WireJson.Contract<ExecuteBashRequest>())
                            ?? throw ApiException.Validation("Input should be a valid dictionary or object", "model_attributes_type", "body");
                    if (IsAuthFrame(data))
                    {
                        continue;
                    }

                    bash.Start(request);
                }
                catch (Exception e) when (e is ApiException or JsonException)
                {
                    await send(bash.Error(e is ApiException { StatusCode: 422 } or JsonException ? "ValidationError" : "BadRequest", e.Message)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client vanished.
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
        }
    }

    private static bool IsAuthFrame(byte[] data) => SocketSession.ReadFrame(data, out _) is { Type: "auth" };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bash websocket ended")]
    private static partial void LogSocketEnded(ILogger logger, Exception exception);
}
