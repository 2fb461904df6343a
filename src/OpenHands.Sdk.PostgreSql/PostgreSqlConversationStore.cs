using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.PostgreSql.Internal;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Keeps conversations in a PostgreSQL database, so that every agent-server instance on it reads every conversation:
/// one <c>conversations</c> row per conversation (its state and the server's metadata document) and one
/// <c>conversation_events</c> row per event, keyed by (conversation, sequence number) and unique by (conversation, event id).
/// </summary>
/// <remarks>
/// <para>
/// The <c>state</c>, <c>metadata</c> and event <c>document</c> columns hold, as <c>text</c>, exactly the bytes the SDK
/// writes to <c>base_state.json</c>, <c>meta.json</c> and each event file (unknown fields survive byte for byte). The
/// state holds no LLM key: a profile reference and a secret-free snapshot, and other secrets only as cipher tokens.
/// </para>
/// <para>
/// An append is one <c>INSERT</c> with the next sequence number; a taken number or event id (another writer) is a
/// <see cref="StoreConflictException"/>, never a silent duplicate. Every state or metadata write raises the row's
/// <c>revision</c>. Writes are synchronous (the conversation makes them under its gate); reads are asynchronous. This
/// store does not decide which instance runs a conversation: two instances running one conversation at once conflict
/// on their appends, unless each writes through <see cref="OpenWriter(Guid, ConversationLease)"/> with a lease from
/// <see cref="PostgreSqlConversationLeases"/>, which fences out every owner but the newest. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class PostgreSqlConversationStore : IConversationStore
{
    private const string StateLocation = "base_state.json";
    private readonly PostgreSqlDatabase _database;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlConversationStore"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <param name="loggerFactory">Receives log messages (never a document's content).</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public PostgreSqlConversationStore(PostgreSqlDatabase database, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = loggerFactory?.CreateLogger<PostgreSqlConversationStore>() ?? NullLogger<PostgreSqlConversationStore>.Instance;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(
            connection, null, "SELECT id FROM conversations WHERE state IS NOT NULL UNION SELECT DISTINCT conversation_id FROM conversation_events");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <inheritdoc/>
    /// <remarks>One entry per conversation row with a state, in one query.</remarks>
    public async Task<IReadOnlyList<ConversationMetadataRecord>> ListMetadataAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, "SELECT id, metadata, created_at FROM conversations WHERE state IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<ConversationMetadataRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new ConversationMetadataRecord(
                reader.GetGuid(0), reader.IsDBNull(1) ? null : Encoding.UTF8.GetBytes(reader.GetString(1)), null, reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return records;
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Sql.ScalarAsync<bool>(
            connection, null,
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND state IS NOT NULL) OR EXISTS (SELECT 1 FROM conversation_events WHERE conversation_id = $1)",
            cancellationToken, id).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The state and the events are read in one snapshot (a repeatable-read transaction). An event row that is not a
    /// valid event, a gap in the sequence numbers and events without a state are named in the damage, in the file
    /// store's terms (<c>events/event-NNNNN-&lt;id&gt;.json</c>), and the readable rest is returned.
    /// </remarks>
    public async Task<ConversationRecord> ReadAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var state = await Sql.ScalarAsync<string>(connection, transaction, "SELECT state FROM conversations WHERE id = $1", cancellationToken, id).ConfigureAwait(false);
        var events = new List<StoredEvent>();
        var damage = new List<ConversationFileDamage>();
        var rows = 0;
        await using (var command = Sql.Command(
            connection, transaction, "SELECT seq, event_id, document FROM conversation_events WHERE conversation_id = $1 ORDER BY seq", id))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var expected = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                var (seq, eventId, bytes) = (reader.GetInt32(0), reader.GetString(1), Encoding.UTF8.GetBytes(reader.GetString(2)));
                if (seq > expected)
                {
                    damage.Add(new ConversationFileDamage(
                        EventLocation(expected, "*"), ConversationFileDamageKind.Missing,
                        seq - 1 == expected
                            ? FormattableString.Invariant($"event {expected} is missing; the events after it are kept")
                            : FormattableString.Invariant($"events {expected} to {seq - 1} are missing ({seq - expected} rows); the events after them are kept"))
                    { EventIndex = expected });
                }

                expected = seq + 1;
                try
                {
                    events.Add(new StoredEvent(EventJson.FromUtf8Bytes(bytes), bytes));
                }
                catch (JsonException e)
                {
                    damage.Add(new ConversationFileDamage(EventLocation(seq, eventId), ConversationFileDamageKind.Unreadable, e.Message) { EventIndex = seq, EventId = eventId });
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (state is null && rows == 0)
        {
            throw new InvalidConversationException($"Conversation {id} was not found in the database.");
        }

        if (state is null)
        {
            damage.Insert(0, new ConversationFileDamage(StateLocation, ConversationFileDamageKind.Missing, "the state row is missing; the events are kept"));
        }

        return new ConversationRecord(id, null, state is null ? null : Encoding.UTF8.GetBytes(state), events, damage);
    }

    /// <inheritdoc/>
    /// <remarks>One query for the state column, and one for whether events exist when there is no state.</remarks>
    public async Task<ConversationRecord> ReadStateAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var state = await Sql.ScalarAsync<string>(connection, null, "SELECT state FROM conversations WHERE id = $1", cancellationToken, id).ConfigureAwait(false);
        if (state is not null)
        {
            return new ConversationRecord(id, null, Encoding.UTF8.GetBytes(state), [], []);
        }

        if (!await Sql.ScalarAsync<bool>(
            connection, null, "SELECT EXISTS (SELECT 1 FROM conversation_events WHERE conversation_id = $1)", cancellationToken, id).ConfigureAwait(false))
        {
            throw new InvalidConversationException($"Conversation {id} was not found in the database.");
        }

        return new ConversationRecord(id, null, null, [], [new ConversationFileDamage(StateLocation, ConversationFileDamageKind.Missing, "the state row is missing; the events are kept")]);
    }

    /// <summary>Gets the database this store keeps conversations in (for its leases and its notifications).</summary>
    public PostgreSqlDatabase Database => _database;

    /// <inheritdoc/>
    public IConversationWriter OpenWriter(Guid id) => new Writer(_database, id, null);

    /// <summary>
    /// Opens a writer whose every event append and state write carries the lease's fencing token and is refused, in the
    /// same statement, once another instance holds the conversation's lease (<see cref="ConversationLeaseLostException"/>).
    /// Each event row records the token it was written under (<c>lease_token</c>).
    /// </summary>
    /// <param name="id">The conversation.</param>
    /// <param name="lease">This instance's lease on it, from <see cref="PostgreSqlConversationLeases.TryAcquireAsync"/>.</param>
    /// <returns>The fenced writer.</returns>
    /// <exception cref="ArgumentException">The lease is for another conversation.</exception>
    public IConversationWriter OpenWriter(Guid id, ConversationLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.ConversationId != id)
        {
            throw new ArgumentException($"The lease is for conversation {lease.ConversationId}, not {id}; take the lease of the conversation you write.", nameof(lease));
        }

        return new Writer(_database, id, lease);
    }

    /// <inheritdoc/>
    /// <remarks>The creation time is the row's (or now, when there is no row).</remarks>
    public async Task<ConversationMetadataRecord> ReadMetadataAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, "SELECT metadata, created_at FROM conversations WHERE id = $1", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new ConversationMetadataRecord(id, null, null, DateTimeOffset.UnixEpoch);
        }

        return new ConversationMetadataRecord(
            id, reader.IsDBNull(0) ? null : Encoding.UTF8.GetBytes(reader.GetString(0)), null, reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <inheritdoc/>
    /// <remarks>The row's document is replaced (a database keeps no backup; this store writes only valid documents).</remarks>
    public void WriteMetadata(Guid id, ReadOnlySpan<byte> document, bool replacesDamaged)
    {
        using var connection = _database.OpenMigrated();
        using var command = Sql.Command(
            connection, null,
            """
            INSERT INTO conversations (id, metadata, revision) VALUES ($1, $2, 1)
            ON CONFLICT (id) DO UPDATE SET metadata = excluded.metadata, revision = conversations.revision + 1, updated_at = now()
            """,
            id, Encoding.UTF8.GetString(document));
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    /// <remarks>The conversation's row and its events go in one transaction.</remarks>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var events = await Sql.ExecuteAsync(connection, transaction, "DELETE FROM conversation_events WHERE conversation_id = $1", cancellationToken, id).ConfigureAwait(false);
        var rows = await Sql.ExecuteAsync(connection, transaction, "DELETE FROM conversations WHERE id = $1", cancellationToken, id).ConfigureAwait(false);
        await Sql.ExecuteAsync(connection, transaction, "DELETE FROM conversation_leases WHERE conversation_id = $1", cancellationToken, id).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (events + rows > 0)
        {
            _logger.ConversationDeleted(id, events);
        }

        return events + rows > 0;
    }

    /// <summary>Where an event would be in the file layout, which the damage reports use for every store.</summary>
    /// <summary>
    /// The one statement that stores an event row; its values are <see cref="EventValues"/>. With a lease token it
    /// inserts nothing (0 rows) unless the lease row still carries that token; without one it always inserts. The lease
    /// row is read <c>FOR SHARE</c>, so a takeover (which updates the row) waits for an append in flight to commit, and an
    /// append that waited for a takeover sees the new token and inserts nothing: no row of an old owner lands after the
    /// new owner has read the events.
    /// </summary>
    internal const string InsertEvent =
        """
        INSERT INTO conversation_events (conversation_id, seq, event_id, kind, "timestamp", document, lease_token)
        SELECT $1, $2, $3, $4, $5, $6, $7::bigint
        WHERE $7::bigint IS NULL OR EXISTS (SELECT 1 FROM conversation_leases WHERE conversation_id = $1 AND token = $7::bigint FOR SHARE)
        """;

    /// <summary>The values of <see cref="InsertEvent"/> for one event, its stored bytes and the writer's lease token.</summary>
    internal static object?[] EventValues(Guid id, int sequence, ConversationEvent conversationEvent, ReadOnlySpan<byte> json, long? leaseToken) =>
        [id, sequence, conversationEvent.Id, conversationEvent.Kind, conversationEvent.Timestamp.ToUniversalTime(), Encoding.UTF8.GetString(json), leaseToken];

    private static string EventLocation(int seq, string id) =>
        FormattableString.Invariant($"{Conversation.EventsFolderName}/event-{seq:D5}-{id}.json");

    /// <summary>
    /// One conversation's synchronous writes: each is one statement on a pooled connection; with a lease, the statement
    /// writes nothing unless the lease row still carries the lease's token.
    /// </summary>
    private sealed class Writer(PostgreSqlDatabase database, Guid id, ConversationLease? lease) : IConversationWriter
    {
        public string? Directory => null;

        public void AppendEvent(int sequence, ConversationEvent conversationEvent, ReadOnlySpan<byte> json)
        {
            ArgumentNullException.ThrowIfNull(conversationEvent);
            using var connection = database.OpenMigrated();
            using var command = Sql.Command(connection, null, InsertEvent, EventValues(id, sequence, conversationEvent, json, lease?.Token));
            try
            {
                if (command.ExecuteNonQuery() == 0)
                {
                    throw new ConversationLeaseLostException(lease!, FormattableString.Invariant($"event {sequence} ({conversationEvent.Id})"));
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new StoreConflictException(
                    $"Event {sequence} ({conversationEvent.Id}) of conversation {id} was not stored: that position or event id is taken already, "
                    + "so another writer appended to this conversation. Nothing was written; restore the conversation to continue from what is stored.",
                    e);
            }
        }

        public void WriteState(ReadOnlySpan<byte> json)
        {
            using var connection = database.OpenMigrated();
            using var command = Sql.Command(
                connection, null,
                """
                INSERT INTO conversations (id, state, revision, lease_token)
                SELECT $1, $2, 1, $3::bigint WHERE $3::bigint IS NULL OR EXISTS (SELECT 1 FROM conversation_leases WHERE conversation_id = $1 AND token = $3::bigint FOR SHARE)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, lease_token = excluded.lease_token, revision = conversations.revision + 1, updated_at = now()
                WHERE $3::bigint IS NULL OR EXISTS (SELECT 1 FROM conversation_leases WHERE conversation_id = $1 AND token = $3::bigint FOR SHARE)
                """,
                id, Encoding.UTF8.GetString(json), lease?.Token);
            if (command.ExecuteNonQuery() == 0)
            {
                throw new ConversationLeaseLostException(lease!, "state");
            }
        }
    }
}
