using OpenHands.Sdk.PostgreSql.Internal;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Conversation leases in the <c>conversation_leases</c> table: at most one instance owns a conversation at a time, until
/// its lease expires unrenewed. Each change of owner raises the row's fencing token, so a writer holding an older token
/// is refused (<see cref="ConversationLeaseLostException"/>). Expiry is measured on the database's clock, so instances
/// with skewed clocks agree. Instances are thread-safe.
/// </summary>
public sealed class PostgreSqlConversationLeases
{
    private readonly PostgreSqlDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlConversationLeases"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public PostgreSqlConversationLeases(PostgreSqlDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <summary>
    /// Takes the conversation's lease for <paramref name="owner"/> when nobody else holds a live one (no row, an expired
    /// row, or a row of this owner). A new owner gets the next fencing token; the same owner keeps its token.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="owner">This instance's id.</param>
    /// <param name="duration">How long the lease lasts unrenewed.</param>
    /// <param name="runWanted">Whether a run is wanted (an expired lease that wants a run is taken over by another instance).
    /// <see langword="false"/> keeps the row's flag as it is.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The lease, or <see langword="null"/> when another instance holds a live one.</returns>
    /// <param name="ownerUrl">Where this instance takes requests for the conversation from other instances, if anywhere
    /// (<see cref="ConversationLeaseHolder.OwnerUrl"/>).</param>
    public async Task<ConversationLease?> TryAcquireAsync(
        Guid conversationId, string owner, TimeSpan duration, bool runWanted, string? ownerUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var token = await Sql.ScalarAsync<long?>(
            connection, null,
            """
            INSERT INTO conversation_leases AS l (conversation_id, owner, token, expires_at, run_wanted, owner_url) VALUES ($1, $2, 1, now() + $3, $4, $5)
            ON CONFLICT (conversation_id) DO UPDATE SET
                token = CASE WHEN l.owner = excluded.owner AND l.expires_at >= now() THEN l.token ELSE l.token + 1 END,
                owner = excluded.owner, expires_at = excluded.expires_at, run_wanted = l.run_wanted OR excluded.run_wanted,
                owner_url = excluded.owner_url, updated_at = now()
            WHERE l.owner = excluded.owner OR l.expires_at < now()
            RETURNING token
            """,
            cancellationToken, conversationId, owner, duration, runWanted, ownerUrl).ConfigureAwait(false);
        return token is { } value ? new ConversationLease(conversationId, owner, value) : null;
    }

    /// <summary>
    /// Reads who holds the conversation's lease now, live or not; the expiry is judged on the database's clock.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The holder, or <see langword="null"/> when the conversation never had a lease.</returns>
    public async Task<ConversationLeaseHolder?> ReadAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(
            connection, null, "SELECT owner, token, expires_at >= now(), run_wanted, owner_url FROM conversation_leases WHERE conversation_id = $1", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ConversationLeaseHolder(new ConversationLease(conversationId, reader.GetString(0), reader.GetInt64(1)), reader.GetBoolean(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetString(4))
            : null;
    }

    /// <summary>Extends a lease that is still this one (its token is the row's).</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="duration">How long from now the lease lasts.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when the lease was lost (another instance took the conversation over).</returns>
    public async Task<bool> RenewAsync(ConversationLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Sql.ExecuteAsync(
            connection, null,
            "UPDATE conversation_leases SET expires_at = now() + $3, updated_at = now() WHERE conversation_id = $1 AND token = $2 AND owner = $4",
            cancellationToken, lease.ConversationId, lease.Token, duration, lease.Owner).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Ends a lease that is still this one: any instance may take it at once. With <paramref name="runEnded"/> the run is
    /// no longer wanted; without, a wanted run stays wanted, so another instance takes it over (a hold taken for one
    /// change of a conversation whose run an earlier owner left unfinished).
    /// </summary>
    /// <param name="lease">The lease.</param>
    /// <param name="runEnded">Whether the conversation's run ended (or none was wanted).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when the lease was lost already.</returns>
    public async Task<bool> ReleaseAsync(ConversationLease lease, bool runEnded = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Sql.ExecuteAsync(
            connection, null,
            "UPDATE conversation_leases SET run_wanted = run_wanted AND NOT $4, expires_at = now(), updated_at = now() WHERE conversation_id = $1 AND token = $2 AND owner = $3",
            cancellationToken, lease.ConversationId, lease.Token, lease.Owner, runEnded).ConfigureAwait(false) == 1;
    }

    /// <summary>The conversations whose lease expired while a run was wanted: the ones another instance should take over.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The conversation ids, oldest expiry first.</returns>
    public async Task<IReadOnlyList<Guid>> ListOrphanedRunsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(
            connection, null, "SELECT conversation_id FROM conversation_leases WHERE run_wanted AND expires_at < now() ORDER BY expires_at");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
