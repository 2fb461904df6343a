using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.PostgreSql.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Keeps provider connections in the <c>provider_connections</c> table of a PostgreSQL database, one row per connection,
/// in creation order. The semantics are <see cref="ProviderConnectionStore"/>'s.
/// </summary>
/// <remarks>
/// <para>
/// With a <see cref="Cipher"/> the <c>api_key</c> column holds a Fernet token (the profile store's cipher, so one
/// <c>OH_SECRET_KEY</c> covers both); without one, the key is plaintext. A key that no configured key decrypts is an
/// error, never a silent <see langword="null"/>.
/// </para>
/// <para>
/// Creates and deletes take the store's advisory lock (the limit and the "no profile refers to it" checks are atomic
/// with them). An update reads the row's <c>revision</c>, applies the update function and writes only if the revision is
/// unchanged; when another instance came first, the function is applied again to the new row, so no update is lost.
/// After <see cref="MaxUpdateAttempts"/> lost races it fails with <see cref="StoreConflictException"/>.
/// </para>
/// <para>Instances are thread-safe; any number of instances and processes may share a database.</para>
/// </remarks>
public sealed class PostgreSqlProviderConnectionStore : IProviderConnectionStore
{
    /// <summary>How many times an update is tried against a row that other writers keep changing.</summary>
    public const int MaxUpdateAttempts = 8;

    private const string LockName = "provider_connections";
    private const string Columns = "id, display_name, provider, api_key, base_url, created_at, updated_at, revision";
    private readonly PostgreSqlDatabase _database;
    private readonly Cipher? _cipher;
    private readonly ILlmProfileStore? _profiles;
    private readonly int _maxConnections;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlProviderConnectionStore"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <param name="cipher">Encrypts keys at rest and decrypts them; <see langword="null"/> for plaintext.</param>
    /// <param name="profiles">The LLM profiles that may refer to connections: a referenced connection is not deleted. None: no check.</param>
    /// <param name="maxConnections">The most connections; <see cref="ProviderConnectionStoreOptions.DefaultMaxConnections"/> by default.</param>
    /// <param name="loggerFactory">Receives log messages (never key values).</param>
    /// <param name="timeProvider">Stamps <see cref="ProviderConnection.CreatedAt"/> and <see cref="ProviderConnection.UpdatedAt"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConnections"/> is not positive.</exception>
    public PostgreSqlProviderConnectionStore(
        PostgreSqlDatabase database, Cipher? cipher = null, ILlmProfileStore? profiles = null,
        int maxConnections = ProviderConnectionStoreOptions.DefaultMaxConnections, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxConnections, 0);
        _database = database;
        _cipher = cipher;
        _profiles = profiles;
        _maxConnections = maxConnections;
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<PostgreSqlProviderConnectionStore>() ?? NullLogger<PostgreSqlProviderConnectionStore>.Instance;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ProviderConnection>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return [.. (await ReadAsync(connection, null, null, cancellationToken).ConfigureAwait(false)).Select(r => r.Connection)];
    }

    /// <inheritdoc/>
    public async Task<ProviderConnection?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(connection, null, id, cancellationToken).ConfigureAwait(false)).FirstOrDefault()?.Connection;
    }

    /// <inheritdoc/>
    public async Task<ProviderConnection> CreateAsync(
        string displayName, string provider, SecretString apiKey, string? baseUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var now = Now();
        var created = new ProviderConnection(Guid.NewGuid().ToString("N"), displayName, provider, apiKey, baseUrl, now, now).Validate();
        await _database.WriteAsync(
            AdvisoryLocks.ProviderConnections, LockName,
            async (connection, transaction) =>
            {
                var count = await Sql.ScalarAsync<long>(connection, transaction, "SELECT count(*) FROM provider_connections", cancellationToken).ConfigureAwait(false);
                if (count >= _maxConnections)
                {
                    throw new ProfileLimitExceededException($"Provider connection limit reached ({_maxConnections}). Delete one before adding another.");
                }

                return await Sql.ExecuteAsync(
                    connection, transaction,
                    "INSERT INTO provider_connections (id, display_name, provider, api_key, base_url, created_at, updated_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
                    cancellationToken, created.Id, created.DisplayName, created.Provider, StoredKey(created.ApiKey), created.BaseUrl,
                    created.CreatedAt.ToUnixTimeSeconds(), created.UpdatedAt.ToUnixTimeSeconds()).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        _logger.ConnectionSaved(created.Id, keySet: true, _cipher is not null);
        return created;
    }

    /// <inheritdoc/>
    /// <exception cref="StoreConflictException">Other writers changed the connection on each of <see cref="MaxUpdateAttempts"/> tries; nothing was written.</exception>
    public async Task<ProviderConnection> UpdateAsync(string id, Func<ProviderConnection, ProviderConnection> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(update);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        long? seen = null;
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var record = (await ReadAsync(connection, null, id, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new ProviderConnectionNotFoundException(id, profile: null);
            seen = record.Revision;
            var current = record.Connection;
            var next = ((update(current) ?? throw new InvalidOperationException("The update function returned null."))
                with { Id = current.Id, CreatedAt = current.CreatedAt, UpdatedAt = Now() }).Validate();
            var written = await Sql.ExecuteAsync(
                connection, null,
                """
                UPDATE provider_connections SET display_name = $3, provider = $4, api_key = $5, base_url = $6, updated_at = $7, revision = revision + 1
                WHERE id = $1 AND revision = $2
                """,
                cancellationToken, id, record.Revision, next.DisplayName, next.Provider, StoredKey(next.ApiKey), next.BaseUrl,
                next.UpdatedAt.ToUnixTimeSeconds()).ConfigureAwait(false);
            if (written == 1)
            {
                _logger.ConnectionSaved(id, next.ApiKeySet, _cipher is not null);
                return next;
            }
        }

        var now = await Sql.ScalarAsync<long?>(connection, null, "SELECT revision FROM provider_connections WHERE id = $1", cancellationToken, id).ConfigureAwait(false);
        throw new StoreConflictException($"Provider connection '{id}'", seen, now);
    }

    /// <inheritdoc/>
    public async Task<ProviderConnection> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var deleted = await _database.WriteAsync(
            AdvisoryLocks.ProviderConnections, LockName,
            async (connection, transaction) =>
            {
                var record = (await ReadAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                    ?? throw new ProviderConnectionNotFoundException(id, profile: null);

                // Checked under this store's lock, as the file store does: a profile saved at this very moment may still
                // link to it; resolving that profile then names the missing connection.
                if (_profiles is not null)
                {
                    var referrers = (await _profiles.ListSummariesAsync(cancellationToken).ConfigureAwait(false))
                        .Where(p => p.ProviderConnectionId == id).Select(p => p.Name).Order().ToList();
                    if (referrers.Count > 0)
                    {
                        throw new ProviderConnectionInUseException(id, referrers);
                    }
                }

                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM provider_connections WHERE id = $1", cancellationToken, id).ConfigureAwait(false);
                return record.Connection;
            },
            cancellationToken).ConfigureAwait(false);
        _logger.ConnectionDeleted(id);
        return deleted;
    }

    private async Task<List<Record>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string? id, CancellationToken cancellationToken)
    {
        await using var command = id is null
            ? Sql.Command(connection, transaction, $"SELECT {Columns} FROM provider_connections ORDER BY position")
            : Sql.Command(connection, transaction, $"SELECT {Columns} FROM provider_connections WHERE id = $1", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<Record>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rowId = reader.GetString(0);
            var connectionRecord = new ProviderConnection(
                rowId, reader.GetString(1), reader.GetString(2), Key(rowId, reader.IsDBNull(3) ? null : reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(5)), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(6)));
            records.Add(new Record(connectionRecord, reader.GetInt64(7)));
        }

        return records;
    }

    private string? StoredKey(SecretString? key) => key is null ? null : _cipher is null ? key.Reveal() : _cipher.Encrypt(key.Reveal());

    private SecretString? Key(string id, string? stored)
    {
        if (stored is null || !Cipher.LooksEncrypted(stored))
        {
            return SecretString.FromNullable(stored);
        }

        return _cipher is null
            ? throw new SecretDecryptionException(DecryptionMessage(id, "the value is encrypted and no cipher is configured"))
            : _cipher.TryDecrypt(stored, out var plain)
                ? SecretString.FromNullable(plain)
                : throw new SecretDecryptionException(DecryptionMessage(id, "no configured key (OH_SECRET_KEY, OH_SECRET_KEY_PREVIOUS) decrypts it"));
    }

    private static string DecryptionMessage(string id, string reason) =>
        $"Cannot decrypt 'api_key' of provider connection '{id}': {reason}. Set OH_SECRET_KEY to the key it was saved with "
        + "(or that key as OH_SECRET_KEY_PREVIOUS during a rotation), or set a new key on the connection.";

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>One stored connection and the revision it was read at.</summary>
    private sealed record Record(ProviderConnection Connection, long Revision);
}
