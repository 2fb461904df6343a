using System.Text;
using Npgsql;
using OpenHands.Sdk.PostgreSql.Internal;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Reads and writes every store of a database (LLM profiles, provider connections, settings, agent profiles and
/// conversations) as stored documents, without decrypting or re-encrypting anything: the copy of <c>openhands store copy</c>.
/// </summary>
public static class PostgreSqlStoreDocuments
{
    /// <summary>Reads every stored document, conversations included (through <see cref="PostgreSqlConversationStore"/>).</summary>
    /// <param name="database">The database.</param>
    /// <param name="progress">Receives the number of conversations read so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The documents.</returns>
    /// <exception cref="Conversations.InvalidConversationException">A conversation is damaged (a bad row or a gap); the message names it.</exception>
    public static async Task<StoreDocuments> ReadAsync(PostgreSqlDatabase database, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var llms = await PairsAsync(connection, "SELECT name, document FROM llm_profiles ORDER BY name", cancellationToken).ConfigureAwait(false);
        var agents = await PairsAsync(connection, "SELECT name, document FROM agent_profiles ORDER BY name", cancellationToken).ConfigureAwait(false);
        var settings = await Sql.ScalarAsync<string>(connection, null, "SELECT document FROM settings WHERE name = 'settings'", cancellationToken).ConfigureAwait(false);
        var connections = new List<StoredProviderConnection>();
        await using (var command = Sql.Command(connection, null,
            "SELECT id, display_name, provider, api_key, base_url, created_at, updated_at FROM provider_connections ORDER BY position"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                connections.Add(new StoredProviderConnection(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6)));
            }
        }

        var conversations = await ConversationDocuments.ReadAllAsync(new PostgreSqlConversationStore(database), "the database", progress, cancellationToken)
            .ConfigureAwait(false);
        return new StoreDocuments(llms, connections, settings, agents) { Conversations = conversations };
    }

    /// <summary>
    /// Writes the documents in one transaction holding every store's write lock: all of them or, on any error, none.
    /// With <paramref name="overwrite"/> the stores are emptied first (the database then holds exactly
    /// <paramref name="documents"/>); without it a database that holds anything is refused before any write.
    /// </summary>
    /// <param name="database">The database.</param>
    /// <param name="documents">The documents; validate them before.</param>
    /// <param name="overwrite">Whether to replace what the database holds.</param>
    /// <param name="progress">Receives the number of conversations written so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written then.</param>
    /// <returns>A task that completes when the transaction is committed.</returns>
    /// <exception cref="InvalidOperationException">The database is not empty and <paramref name="overwrite"/> is <see langword="false"/>; nothing was written.</exception>
    /// <exception cref="StoreBusyException">A store's lock was not free in time; nothing was written.</exception>
    public static async Task WriteAsync(
        PostgreSqlDatabase database, StoreDocuments documents, bool overwrite, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(documents);
        await database.WriteAsync(
            AdvisoryLocks.AgentProfiles, "agent_profiles",
            async (connection, transaction) =>
            {
                foreach (var key in new[] { AdvisoryLocks.LlmProfiles, AdvisoryLocks.ProviderConnections, AdvisoryLocks.Settings })
                {
                    await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, key).ConfigureAwait(false);
                }

                var held = await Sql.ScalarAsync<long>(
                    connection, transaction,
                    """
                    SELECT (SELECT count(*) FROM llm_profiles) + (SELECT count(*) FROM provider_connections) + (SELECT count(*) FROM settings)
                         + (SELECT count(*) FROM agent_profiles) + (SELECT count(*) FROM conversations) + (SELECT count(*) FROM conversation_events)
                    """,
                    cancellationToken).ConfigureAwait(false);
                if (held > 0 && !overwrite)
                {
                    throw new InvalidOperationException($"The database is not empty ({held} stored records): nothing was written. Pass --overwrite to replace them.");
                }

                await Sql.ExecuteAsync(
                    connection, transaction,
                    "DELETE FROM llm_profiles; DELETE FROM provider_connections; DELETE FROM settings; DELETE FROM agent_profiles; DELETE FROM conversation_events; DELETE FROM conversations",
                    cancellationToken).ConfigureAwait(false);
                foreach (var (name, document) in documents.LlmProfiles)
                {
                    await Sql.ExecuteAsync(connection, transaction, "INSERT INTO llm_profiles (name, document, revision) VALUES ($1, $2, 1)", cancellationToken, name, document).ConfigureAwait(false);
                }

                foreach (var c in documents.ProviderConnections)
                {
                    await Sql.ExecuteAsync(
                        connection, transaction,
                        "INSERT INTO provider_connections (id, display_name, provider, api_key, base_url, created_at, updated_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
                        cancellationToken, c.Id, c.DisplayName, c.Provider, c.ApiKey, c.BaseUrl, c.CreatedAt, c.UpdatedAt).ConfigureAwait(false);
                }

                if (documents.Settings is { } settings)
                {
                    await Sql.ExecuteAsync(connection, transaction, "INSERT INTO settings (name, document, revision) VALUES ('settings', $1, 1)", cancellationToken, settings).ConfigureAwait(false);
                }

                foreach (var (name, document) in documents.AgentProfiles)
                {
                    await Sql.ExecuteAsync(connection, transaction, "INSERT INTO agent_profiles (name, document, revision) VALUES ($1, $2, 1)", cancellationToken, name, document).ConfigureAwait(false);
                }

                await InsertConversationsAsync(connection, transaction, documents.Conversations, progress, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each conversation's row (state, metadata, first-stored time) and its event rows, with the statement the store appends with.</summary>
    private static async Task InsertConversationsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ConversationDocuments> conversations, IProgress<int>? progress,
        CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var c in conversations)
        {
            await Sql.ExecuteAsync(
                connection, transaction, "INSERT INTO conversations (id, state, metadata, revision, created_at) VALUES ($1, $2, $3, 1, $4)", cancellationToken,
                c.Id, Encoding.UTF8.GetString(c.State), c.Metadata is null ? null : Encoding.UTF8.GetString(c.Metadata), c.CreatedAt.ToUniversalTime())
                .ConfigureAwait(false);
            for (var i = 0; i < c.Events.Count; i++)
            {
                await Sql.ExecuteAsync(
                    connection, transaction, PostgreSqlConversationStore.InsertEvent, cancellationToken,
                    PostgreSqlConversationStore.EventValues(c.Id, i, c.Events[i].Event, c.Events[i].Json, leaseToken: null)).ConfigureAwait(false);
            }

            progress?.Report(++written);
        }
    }

    private static async Task<Dictionary<string, string>> PairsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = Sql.Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }
}
