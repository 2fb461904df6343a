using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.PostgreSql.Internal;
using Polly;
using Polly.Retry;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Hears every committed change of every conversation in the database (<c>LISTEN openhands_conversations</c>): the
/// schema's triggers notify at commit for each event row, state write and delete, so a change is heard only once it can
/// be read. One listening connection per call of <see cref="ListenAsync"/>; when it fails it is opened again (Polly,
/// backoff up to 5 s), and every (re)connect is announced first, because changes made while nobody listened are not
/// heard: read what you need again then.
/// </summary>
/// <remarks>Notifications carry only the conversation id and what changed; read the rows themselves from the tables.</remarks>
public sealed partial class PostgreSqlConversationNotifications
{
    /// <summary>The channel the schema's triggers notify on.</summary>
    public const string ChannelName = "openhands_conversations";

    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);
    private readonly PostgreSqlDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlConversationNotifications"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <param name="loggerFactory">Logs reconnects.</param>
    /// <param name="timeProvider">The clock of the reconnect delays; the system clock by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public PostgreSqlConversationNotifications(PostgreSqlDatabase database, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgreSqlConversationNotifications>();
    }

    /// <summary>
    /// Listens until <paramref name="cancellationToken"/> is cancelled: <paramref name="connected"/> after each (re)connect,
    /// then <paramref name="changed"/> for each change, in commit order, one at a time.
    /// </summary>
    /// <param name="changed">Called for each change; an exception it throws ends the listening.</param>
    /// <param name="connected">Called when listening (again): changes made before were not heard.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that ends when listening is cancelled.</returns>
    /// <exception cref="OperationCanceledException">Listening was cancelled.</exception>
    public async Task ListenAsync(Func<ConversationChange, CancellationToken, Task> changed, Func<CancellationToken, Task> connected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(connected);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time, Name = "OpenHands.PostgreSql.Notifications" }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is NpgsqlException or IOException or TimeoutException),
                OnRetry = args =>
                {
                    LogReconnecting(_logger, args.Outcome.Exception?.GetType().Name ?? "none", args.Outcome.Exception?.Message ?? string.Empty, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();
        await pipeline.ExecuteAsync(async token => await ListenOnceAsync(changed, connected, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one notification's payload: <c>'&lt;id&gt; &lt;seq&gt; &lt;token&gt;'</c>, <c>'&lt;id&gt; state &lt;token&gt;'</c> or <c>'&lt;id&gt; deleted'</c> (token <c>-</c>: none).</summary>
    internal static ConversationChange? Parse(string payload)
    {
        var parts = payload.Split(' ');
        if (parts.Length < 2 || !Guid.TryParse(parts[0], out var id))
        {
            return null;
        }

        long? token = parts.Length > 2 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
        return parts[1] switch
        {
            "state" => new ConversationChange(id, ConversationChangeKind.State, null, token),
            "deleted" => new ConversationChange(id, ConversationChangeKind.Deleted, null, null),
            var what when int.TryParse(what, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) => new ConversationChange(id, ConversationChangeKind.Event, seq, token),
            _ => null,
        };
    }

    private async Task ListenOnceAsync(Func<ConversationChange, CancellationToken, Task> changed, Func<CancellationToken, Task> connected, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var heard = Channel.CreateUnbounded<ConversationChange>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        connection.Notification += (_, e) =>
        {
            if (Parse(e.Payload) is { } change)
            {
                heard.Writer.TryWrite(change);
            }
        };
        await using (var listen = Sql.Command(connection, null, "LISTEN " + ChannelName))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        LogListening(_logger);
        await connected(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (!await connection.WaitAsync(PingEvery, cancellationToken).ConfigureAwait(false))
            {
                // Nothing heard for a while: make sure the connection still lives (a dead one fails here and reconnects).
                await using var ping = Sql.Command(connection, null, "SELECT 1");
                await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            while (heard.Reader.TryRead(out var change))
            {
                await changed(change, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for conversation changes on channel " + ChannelName)]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for conversation changes failed with {Error} ({Message}); listening again in {DelayMs} ms")]
    private static partial void LogReconnecting(ILogger logger, string error, string message, long delayMs);
}
