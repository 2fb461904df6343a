using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.PostgreSql.Internal;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// One PostgreSQL database that the stores of this package share: a connection pool, the schema migrations and the
/// write locks. Create one per database and process, and dispose it when the stores are no longer used.
/// </summary>
/// <remarks>
/// The schema is migrated before the first statement of any store (once per instance; <see cref="MigrateAsync"/> does it
/// explicitly, at start). Migrating is safe when several instances start at once: the whole migration is one
/// transaction under an advisory lock, and the <c>schema_version</c> table records each applied step. Instances are
/// thread-safe.
/// </remarks>
public sealed class PostgreSqlDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>How long a write waits for another instance's write of the same store by default.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
#pragma warning disable CA2213 // a task, not a disposable resource
    private Task<int>? _migration;
#pragma warning restore CA2213

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlDatabase"/> class; nothing is opened yet.</summary>
    /// <param name="connectionString">A <c>postgres://</c> URL or an Npgsql connection string (see <see cref="PostgreSqlConnectionString.Parse"/>).</param>
    /// <param name="lockTimeout">How long a write waits for another writer of the same store; <see cref="DefaultLockTimeout"/> by default.</param>
    /// <param name="loggerFactory">Receives log messages (never a password or a secret).</param>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lockTimeout"/> is not positive.</exception>
    /// <exception cref="InvalidDatabaseUrlException">The connection string is not valid.</exception>
    public PostgreSqlDatabase(string connectionString, TimeSpan? lockTimeout = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        LockTimeout = lockTimeout ?? DefaultLockTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(lockTimeout));
        _dataSource = NpgsqlDataSource.Create(PostgreSqlConnectionString.Parse(connectionString, nameof(connectionString)));
        _logger = loggerFactory?.CreateLogger<PostgreSqlDatabase>() ?? NullLogger<PostgreSqlDatabase>.Instance;
    }

    /// <summary>Gets the newest schema version this package applies.</summary>
    public static int LatestSchemaVersion => SchemaMigrations.Steps.Count;

    /// <summary>Gets how long a write waits for another writer of the same store.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>
    /// Applies every schema step the database lacks, in one transaction under an advisory lock (concurrent callers wait,
    /// then find nothing to do).
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration; nothing is applied then.</param>
    /// <returns>The schema version afterwards.</returns>
    /// <exception cref="UnsupportedSchemaVersionException">The database is newer than this package; nothing was changed.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached or refused a statement.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, SchemaMigrations.MigrationLockKey).ConfigureAwait(false);
        await Sql.ExecuteAsync(connection, transaction, SchemaMigrations.CreateVersionTable, cancellationToken).ConfigureAwait(false);
        var current = await Sql.ScalarAsync<int>(connection, transaction, SchemaMigrations.CurrentVersion, cancellationToken).ConfigureAwait(false);
        if (current > LatestSchemaVersion)
        {
            throw new UnsupportedSchemaVersionException(current, LatestSchemaVersion);
        }

        for (var version = current + 1; version <= LatestSchemaVersion; version++)
        {
            await Sql.ExecuteAsync(connection, transaction, SchemaMigrations.Steps[version - 1], cancellationToken).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction, SchemaMigrations.RecordVersion, cancellationToken, version).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (current < LatestSchemaVersion)
        {
            _logger.SchemaMigrated(current, LatestSchemaVersion);
        }

        _ = Interlocked.CompareExchange(ref _migration, Task.FromResult(LatestSchemaVersion), null);   // no store needs to migrate again
        return LatestSchemaVersion;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc/>
    public void Dispose() => _dataSource.Dispose();

    /// <summary>Opens a pooled connection, after the schema was migrated once by this instance.</summary>
    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a pooled connection synchronously, for the writes a conversation makes under its gate (which are synchronous).
    /// The schema must be migrated already: every conversation is read or checked (asynchronously) before it is written.
    /// </summary>
    /// <exception cref="InvalidOperationException">This instance has not migrated the schema yet.</exception>
    internal NpgsqlConnection OpenMigrated()
    {
        if (Volatile.Read(ref _migration) is not { IsCompletedSuccessfully: true })
        {
            throw new InvalidOperationException(
                "The PostgreSQL schema is not migrated by this instance yet, so a synchronous write cannot run. Fix: call MigrateAsync first "
                + "(the hosted service UsePostgreSql registers does it at start), or check the conversation with an async store method before writing.");
        }

        return _dataSource.OpenConnection();
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction holding the store's advisory lock, so that every instance's writes
    /// of that store are serialized (as the file stores' lock files do for processes); commits when it returns.
    /// </summary>
    /// <exception cref="StoreBusyException">The lock was not free within <see cref="LockTimeout"/>; nothing was changed.</exception>
    internal async Task<T> WriteAsync<T>(long lockKey, string lockName, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var timeout = FormattableString.Invariant($"{Math.Max(1, (long)LockTimeout.TotalMilliseconds)}ms");
            await Sql.ExecuteAsync(connection, transaction, "SELECT set_config('lock_timeout', $1, true)", cancellationToken, timeout).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, lockKey).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, transaction, "SELECT set_config('lock_timeout', '0', true)", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new StoreBusyException($"PostgreSQL advisory lock '{lockName}'", LockTimeout);
        }

        var result = await body(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Runs <paramref name="action"/> holding the store's advisory lock at session level, on a connection of its own that
    /// stays open until it returns; every instance's write transactions of that store wait for it meanwhile.
    /// </summary>
    /// <exception cref="StoreBusyException">The lock was not free within <see cref="LockTimeout"/>; the action did not run.</exception>
    internal async Task<T> WithSessionLockAsync<T>(long lockKey, string lockName, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var timeout = FormattableString.Invariant($"{Math.Max(1, (long)LockTimeout.TotalMilliseconds)}ms");
            await Sql.ExecuteAsync(connection, null, "SELECT set_config('lock_timeout', $1, false)", cancellationToken, timeout).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, null, "SELECT pg_advisory_lock($1)", cancellationToken, lockKey).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, null, "SELECT set_config('lock_timeout', '0', false)", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new StoreBusyException($"PostgreSQL advisory lock '{lockName}'", LockTimeout);
        }

        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            // Not cancelled: the lock must go even when the caller gave up (the pool's reset on return would drop it too).
            await Sql.ExecuteAsync(connection, null, "SELECT pg_advisory_unlock($1)", CancellationToken.None, lockKey).ConfigureAwait(false);
        }
    }

    private async Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        var migration = Volatile.Read(ref _migration);
        if (migration is null)
        {
            // Shared by every caller, so one caller's cancellation must not fail the others: waited on with the token.
            var started = MigrateAsync(CancellationToken.None);
            migration = Interlocked.CompareExchange(ref _migration, started, null) ?? started;
        }

        try
        {
            await migration.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (migration.IsFaulted)
        {
            _ = Interlocked.CompareExchange(ref _migration, null, migration);   // the next call tries again
            throw;
        }
    }
}
