using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/sockets/events/{conversation_id}</c>: a conversation's events, pushed live over a websocket, with the reference's
/// authentication (key in the query or header, else a first <c>{"type":"auth"}</c> frame) and <c>resend_mode</c>.
/// </summary>
/// <remarks>
/// Close codes: 4001 authentication failed, 4004 conversation not found or deleted, 1013 too many subscribers,
/// 1008 bad query, 1001 server shutting down. Frames the client sends (other than auth) are user messages and start a run.
/// </remarks>
internal static partial class SocketsEndpoints
{
    public const int AuthenticationFailed = 4001;
    public const int NotFound = 4004;
    public const string FullStateKey = "full_state";

    public static void Map(IEndpointRouteBuilder endpoints) => MapSocket(endpoints, "/sockets/events/{conversation_id}", HandleAsync);

    /// <summary>
    /// Maps a websocket route with the websocket middleware as part of its endpoint, so embedding apps need not call
    /// UseWebSockets themselves (when they do, the middleware sees its feature already set and steps aside). A plain
    /// HTTP request gets a 400 naming the route.
    /// </summary>
    internal static void MapSocket(IEndpointRouteBuilder endpoints, string route, RequestDelegate handler)
    {
        var pipeline = endpoints.CreateApplicationBuilder().UseWebSockets();
        pipeline.Run(async http =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                await new ApiError(StatusCodes.Status400BadRequest, $"This route is a websocket: connect with a websocket client (ws://host{route}).")
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            await handler(http).ConfigureAwait(false);
        });
        endpoints.Map(route, pipeline.Build()).ExcludeFromDescription();
    }

    /// <summary>Authenticates an accepted socket (see <see cref="AuthenticateAsync"/>); a refused one is closed with 4001.</summary>
    internal static async Task<bool> AuthenticateOrCloseAsync(HttpContext http, WebSocket socket, AgentServerOptions options)
    {
        var (authenticated, pending) = await AuthenticateAsync(http, socket, options).ConfigureAwait(false);
        if (!authenticated)
        {
            await SocketSession.CloseAsync(socket, AuthenticationFailed, "Authentication failed", pending).ConfigureAwait(false);
        }

        return authenticated;
    }

    private static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<AgentServerOptions>>().Value;
        var conversations = services.GetRequiredService<ConversationService>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenHands.AgentServer.Sockets");
        using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        try
        {
            if (!await AuthenticateOrCloseAsync(http, socket, options).ConfigureAwait(false))
            {
                return;
            }

            var entry = Guid.TryParse(http.GetRouteValue("conversation_id") as string, out var id)
                ? await conversations.TryGetAsync(id, http.RequestAborted).ConfigureAwait(false)
                : null;
            if (entry is null)
            {
                await SocketSession.CloseAsync(socket, NotFound, "Conversation not found").ConfigureAwait(false);
                return;
            }

            if (ResendStart(http.Request.Query, entry.Conversation.Events) is not { } from)
            {
                await SocketSession.CloseAsync(socket, (int)WebSocketCloseStatus.PolicyViolation,
                    "resend_mode must be all or since; since needs after_timestamp (ISO-8601)").ConfigureAwait(false);
                return;
            }

            if (!entry.TryAddSubscriber(options.MaxSocketSubscribers))
            {
                await SocketSession.CloseAsync(socket, 1013, "Too many subscribers for this conversation").ConfigureAwait(false);
                return;
            }

            AgentServerTelemetry.Subscribers.Add(1);
            try
            {
                using var session = new SocketSession(socket, entry, conversations, options, logger, http.RequestAborted, stopping);
                await StreamAsync(session, from).ConfigureAwait(false);
            }
            finally
            {
                AgentServerTelemetry.Subscribers.Add(-1);
                entry.RemoveSubscriber();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away; there is nobody left to tell.
            LogSocketEnded(logger, e);
        }
    }

    /// <summary>
    /// Authenticates with the server's one scheme (<see cref="SessionKeyAuthenticationHandler"/>): the key of the header or
    /// query, else that of a first <c>{"type":"auth","session_api_key":...}</c> frame within <see cref="AgentServerOptions.SocketAuthTimeout"/>.
    /// </summary>
    /// <returns>Whether the key is accepted, and a receive still in flight when the wait timed out.</returns>
    private static async Task<(bool Accepted, Task? Pending)> AuthenticateAsync(HttpContext http, WebSocket socket, AgentServerOptions options)
    {
        var result = await http.AuthenticateAsync(SessionKeyAuthenticationHandler.Scheme).ConfigureAwait(false);
        if (result.Succeeded || result.Failure is not null)
        {
            return (result.Succeeded, null);
        }

        // Cancelling a websocket receive aborts the socket, so the timeout races the receive instead of cancelling it:
        // the client then still gets a proper 4001 close frame.
        var first = SocketSession.ReadMessageAsync(socket, 64 * 1024, http.RequestAborted);
        if (await Task.WhenAny(first, Task.Delay(options.SocketAuthTimeout, http.RequestAborted)).ConfigureAwait(false) != first)
        {
            return (false, first);
        }

        var (type, data) = await first.ConfigureAwait(false);
        if (type != WebSocketMessageType.Text || data is null || SocketSession.ReadFrame(data, out _) is not { Type: "auth", SessionApiKey: { } key })
        {
            return (false, null);
        }

        http.Features.Set(new SessionKeyFrame(key));
        return ((await http.AuthenticateAsync(SessionKeyAuthenticationHandler.Scheme).ConfigureAwait(false)).Succeeded, null);
    }

    /// <summary>The index of the first event to send: all (<c>resend_mode=all</c>, or legacy <c>resend_all=true</c>), those at
    /// or after <c>after_timestamp</c> (<c>since</c>), or only new ones (no mode); null when the query is invalid.</summary>
    private static int? ResendStart(IQueryCollection query, IReadOnlyList<ConversationEvent> events)
    {
        var mode = query["resend_mode"].FirstOrDefault();
        if (mode is null && string.Equals(query["resend_all"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase))
        {
            mode = "all";
        }

        switch (mode)
        {
            case null:
                return events.Count;
            case "all":
                return 0;
            case "since":
                DateTimeOffset after;
                try
                {
                    after = ConversationsWire.Timestamp(query["after_timestamp"].FirstOrDefault(), "after_timestamp") is { } a ? a : default;
                }
                catch (ApiException)
                {
                    return null;
                }

                if (after == default)
                {
                    return null;
                }

                var index = 0;
                while (index < events.Count && events[index].Timestamp < after)
                {
                    index++;
                }

                return index;
            default:
                return null;
        }
    }

    private static async Task StreamAsync(SocketSession s, int from)
    {
        var fullState = new ConversationStateUpdateEvent
        {
            Key = FullStateKey,
            Value = JsonSerializer.SerializeToElement(ConversationsWire.Info(s.Entry), WireJson.Contract<ConversationInfo>()),
            Source = EventSource.Environment,
            Timestamp = TimeProvider.System.GetUtcNow(),
        };
        await s.SendAsync(EventJson.ToUtf8Bytes(fullState)).ConfigureAwait(false);

        // The receive loop runs on the connection's own token only: cancelling a receive would abort the socket, and a
        // server-side end (deleted conversation, shutdown) must still send its close frame.
        var receiving = ReceiveLoopAsync(s);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(s.ClientGone.Token, s.Aborted, s.Stopping, s.Conversations.Stopping);
        try
        {
            try
            {
                await foreach (var e in s.Conversations.WatchAsync(s.Entry.Id, from, watch.Token).ConfigureAwait(false))
                {
                    await s.SendAsync(EventJson.ToUtf8Bytes(e)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (watch.IsCancellationRequested)
            {
                // The client closed or vanished, or the server is stopping.
            }

            if (s.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (code, reason) = s.ClientGone.IsCancellationRequested ? ((int)WebSocketCloseStatus.NormalClosure, "Closed")
                    : s.Stopping.IsCancellationRequested || s.Conversations.Stopping.IsCancellationRequested ? ((int)WebSocketCloseStatus.EndpointUnavailable, "Server shutting down")
                    : !s.Conversations.Contains(s.Entry.Conversation.Id) ? (NotFound, "Conversation deleted")
                    : ((int)WebSocketCloseStatus.NormalClosure, "Closed");
                await s.SendGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await s.Socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    s.SendGate.Release();
                }
            }
        }
        catch (WebSocketException)
        {
            // A failed send: the connection is gone. Aborting ends the receive loop at once.
            s.Socket.Abort();
            throw;
        }
        finally
        {
            // The receive loop uses the session's gate and token source, so it must end before they are disposed.
            await SocketSession.WaitQuietlyAsync(receiving).ConfigureAwait(false);
            if (!receiving.IsCompleted)
            {
                s.Socket.Abort();
                await receiving.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads client frames: a repeated auth frame is ignored; anything else is a user message that starts a run.</summary>
    private static async Task ReceiveLoopAsync(SocketSession s)
    {
        try
        {
            while (true)
            {
                var (type, data) = await SocketSession.ReadMessageAsync(s.Socket, s.Options.MaxRequestBodyBytes, s.Aborted).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    return;
                }

                if (data is null)
                {
                    await s.SendErrorAsync(new ApiException(StatusCodes.Status413PayloadTooLarge, $"A frame may have at most {s.Options.MaxRequestBodyBytes} bytes")).ConfigureAwait(false);
                    continue;
                }

                await HandleClientMessageAsync(s, data).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogSocketEnded(s.Logger, e);
        }
        finally
        {
            await s.ClientGone.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task HandleClientMessageAsync(SocketSession s, byte[] data)
    {
        try
        {
            var frame = SocketSession.ReadFrame(data, out var problem) ?? throw problem!;
            if (frame.Type == "auth")
            {
                return;
            }

            ConversationsWire.RequireUserRole(frame.Role, "body");
            var text = ConversationsWire.MessageText(frame.Content, "body");
            await using var write = await s.Conversations.GetForWriteAsync(s.Entry.Id.ToString(), s.Aborted).ConfigureAwait(false);
            await write.Entry.Conversation.SendMessageAsync(text, s.Aborted).ConfigureAwait(false);
            s.Conversations.TryStartRun(write.Entry);
        }
        catch (Exception e) when (ErrorMapping.Map(e) is { } mapped)
        {
            await s.SendErrorAsync(mapped).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or WebSocketException or ObjectDisposedException))
        {
            // Never echo an unexpected exception (it could carry a secret); the socket stays open, the id ties it to the log.
            var errorId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            LogFrameFailed(s.Logger, errorId, e);
            await s.SendErrorAsync(new ApiException(StatusCodes.Status500InternalServerError, $"Internal Server Error (error_id {errorId})")).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Websocket frame failed with error {ErrorId}")]
    private static partial void LogFrameFailed(ILogger logger, string errorId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Websocket ended by the connection")]
    private static partial void LogSocketEnded(ILogger logger, Exception exception);
}
