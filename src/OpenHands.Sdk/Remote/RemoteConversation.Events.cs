using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Remote.Internal;

namespace OpenHands.Sdk.Remote;

/// <summary>The event stream over the server's websocket (the local twin is <see cref="Conversations.Conversation.WatchEventsAsync"/>).</summary>
public sealed partial class RemoteConversation
{
    /// <summary>
    /// Streams the conversation's events over the server's websocket (<c>/sockets/events/{id}</c>): by default every
    /// persisted event first, then new ones as they happen, until <paramref name="cancellationToken"/> is cancelled or the
    /// conversation is deleted.
    /// </summary>
    /// <param name="options">Whether to include past events, or those since a time; every past event when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, each once and in order.</returns>
    /// <remarks>
    /// <para>
    /// A lost connection (a network error, a server restart, any close other than 4001 and 4004) is reconnected after
    /// <see cref="RemoteWorkspaceOptions.ReconnectDelay"/>, doubling per failed attempt up to
    /// <see cref="RemoteWorkspaceOptions.MaxReconnectDelay"/>, for as long as the stream is read. A reconnect asks for the
    /// past events again and skips every event id already returned, so none is missed or repeated.
    /// </para>
    /// <para>
    /// The stream ends normally when the server closes with 4004 (the conversation is unknown or was deleted). The
    /// server's per-connection snapshot (<see cref="ConversationStateUpdateEvent"/> with key <c>full_state</c>) is not
    /// returned: it is sent again on every reconnect; use <see cref="GetStateAsync"/> for the state. The session key goes
    /// in the <c>X-Session-API-Key</c> header of the upgrade request, never in the URL.
    /// </para>
    /// </remarks>
    /// <exception cref="AgentServerAuthenticationException">The server rejected the session key (close code 4001, or HTTP 401 on the upgrade).</exception>
    /// <exception cref="ConversationNotFoundException">The server has no websocket route for the conversation (HTTP 404 on the upgrade).</exception>
    /// <exception cref="AgentServerRequestException">The server refused the stream's query (close code 1008).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<ConversationEvent> WatchEventsAsync(
        RemoteEventStreamOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<ConversationEvent>(new BoundedChannelOptions(256)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var pump = new EventSocketPump(Client, Id, options ?? new RemoteEventStreamOptions(), channel.Writer, _logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = pump.RunAsync(stop.Token);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);   // never throws: the pump keeps its error
        }

        pump.ThrowIfFailed();
    }

    /// <summary>Streams the conversation's events over the server's websocket (see <see cref="WatchEventsAsync"/>).</summary>
    /// <param name="options">Whether to include past events, or those since a time.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, each once and in order.</returns>
    [Obsolete("Use WatchEventsAsync, named after the local Conversation.WatchEventsAsync.")]
    public IAsyncEnumerable<ConversationEvent> StreamEventsAsync(RemoteEventStreamOptions? options = null, CancellationToken cancellationToken = default) =>
        WatchEventsAsync(options, cancellationToken);
}
