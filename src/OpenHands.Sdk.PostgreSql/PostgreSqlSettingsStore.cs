using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.PostgreSql.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Keeps the settings in the one row of the <c>settings</c> table of a PostgreSQL database, so that every agent-server
/// instance reads and writes the same settings (the active profile pointer included). The semantics are
/// <see cref="SettingsStore"/>'s, without the legacy migration (a row never embeds an LLM).
/// </summary>
/// <remarks>
/// <para>
/// The row's <c>document</c> holds, as <c>text</c>, exactly the bytes <see cref="SettingsStore"/> writes to
/// <c>settings.json</c> (<see cref="SettingsJson.Write"/>): unknown fields survive, and Fernet tokens that a Python
/// server stored in the settings stay the same tokens. The settings hold no LLM key (keys live in profiles).
/// </para>
/// <para>
/// Every write raises the row's <c>revision</c>. <see cref="UpdateAsync"/> (the settings PATCH, activation) reads and
/// writes under the settings' advisory lock, so the updates of all instances are serialized and none is lost. A caller
/// that reads, decides elsewhere and writes later uses the conditional
/// <see cref="SaveAsync(PersistedSettings, long?, CancellationToken)"/> with the revision it read
/// (<see cref="LoadWithRevisionAsync"/>): a write it did not see is a <see cref="StoreConflictException"/>, never
/// overwritten. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class PostgreSqlSettingsStore : ISettingsStore
{
    /// <summary>The key of the one settings row.</summary>
    private const string RowName = "settings";
    private const string Location = "settings/settings";
    private const string LockName = "settings";
    private readonly PostgreSqlDatabase _database;
    private readonly ILlmProfileStore _profiles;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlSettingsStore"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <param name="profiles">The LLM profile store that activation checks and the key flag reads; use the same instance as every other profile operation.</param>
    /// <param name="loggerFactory">Receives log messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> or <paramref name="profiles"/> is <see langword="null"/>.</exception>
    public PostgreSqlSettingsStore(PostgreSqlDatabase database, ILlmProfileStore profiles, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(profiles);
        _database = database;
        _profiles = profiles;
        _logger = loggerFactory?.CreateLogger<PostgreSqlSettingsStore>() ?? NullLogger<PostgreSqlSettingsStore>.Instance;
    }

    /// <inheritdoc/>
    public async Task<PersistedSettings> LoadAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).Settings;

    /// <summary>Loads the settings with the row's revision, the number a conditional save names.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings (defaults when there is no row) and the revision (<see langword="null"/> when there is no row).</returns>
    /// <exception cref="InvalidSettingsException">The stored document cannot be read.</exception>
    public async Task<(PersistedSettings Settings, long? Revision)> LoadWithRevisionAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task SaveAsync(PersistedSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await UpsertAsync(connection, null, settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves the settings only when the row's revision is still <paramref name="expectedRevision"/> (<see langword="null"/>:
    /// only when there is no row yet), so that a read-modify-write never overwrites a write it did not see.
    /// </summary>
    /// <param name="settings">The settings to store.</param>
    /// <param name="expectedRevision">The revision read before (<see cref="LoadWithRevisionAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="StoreConflictException">The row's revision is another; nothing was written.</exception>
    public async Task<long> SaveAsync(PersistedSettings settings, long? expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var document = Encoding.UTF8.GetString(SettingsJson.Write(settings));
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // A single statement each: PostgreSQL re-checks the revision after waiting for a concurrent writer of the row.
        var written = expectedRevision is { } expected
            ? await Sql.ScalarAsync<long?>(
                connection, null,
                "UPDATE settings SET document = $2, revision = revision + 1, updated_at = now() WHERE name = $1 AND revision = $3 RETURNING revision",
                cancellationToken, RowName, document, expected).ConfigureAwait(false)
            : await Sql.ScalarAsync<long?>(
                connection, null,
                "INSERT INTO settings (name, document, revision) VALUES ($1, $2, 1) ON CONFLICT (name) DO NOTHING RETURNING revision",
                cancellationToken, RowName, document).ConfigureAwait(false);
        return written ?? throw new StoreConflictException(
            "Settings", expectedRevision, await RevisionAsync(connection, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The read, the update and the write run in one transaction holding the settings' advisory lock, so the updates of
    /// every instance are applied one after the other (each to the settings the one before wrote) and none is lost.
    /// </remarks>
    public Task<PersistedSettings> UpdateAsync(Func<PersistedSettings, PersistedSettings> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return _database.WriteAsync(
            AdvisoryLocks.Settings, LockName,
            async (connection, transaction) =>
            {
                var (current, _) = await ReadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var next = update(current) ?? throw new InvalidOperationException("The update function returned null.");
                await UpsertAsync(connection, transaction, next, cancellationToken).ConfigureAwait(false);
                return next;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<PersistedSettings> ActivateProfileAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        if (!await _profiles.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new ProfileNotFoundException(name, await _profiles.ListAsync(cancellationToken).ConfigureAwait(false));
        }

        var result = await UpdateAsync(s => s with { ActiveProfile = name }, cancellationToken).ConfigureAwait(false);
        _logger.ProfileActivated(name.Value);
        return result;
    }

    /// <inheritdoc/>
    public async Task<bool> GetLlmApiKeyIsSetAsync(CancellationToken cancellationToken = default)
    {
        if ((await LoadAsync(cancellationToken).ConfigureAwait(false)).ActiveProfile is not { } active)
        {
            return false;
        }

        var summaries = await _profiles.ListSummariesAsync(cancellationToken).ConfigureAwait(false);
        return summaries.Any(s => s.Name == active && s.ApiKeySet);
    }

    /// <inheritdoc/>
    /// <remarks>The row never embeds an LLM (this store writes none, and <c>openhands store copy</c> refuses a legacy file): always <see langword="null"/>.</remarks>
    public Task<LegacySettingsMigration?> MigrateLegacyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<LegacySettingsMigration?>(null);

    private async Task<(PersistedSettings Settings, long? Revision)> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(PersistedSettings Settings, long? Revision)> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(connection, transaction, "SELECT document, revision FROM settings WHERE name = $1", RowName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (new PersistedSettings(), null);
        }

        return (SettingsJson.ReadDocument(Encoding.UTF8.GetBytes(reader.GetString(0)), Location), reader.GetInt64(1));
    }

    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, PersistedSettings settings, CancellationToken cancellationToken) =>
        await Sql.ExecuteAsync(
            connection, transaction,
            """
            INSERT INTO settings (name, document, revision) VALUES ($1, $2, 1)
            ON CONFLICT (name) DO UPDATE SET document = excluded.document, revision = settings.revision + 1, updated_at = now()
            """,
            cancellationToken, RowName, Encoding.UTF8.GetString(SettingsJson.Write(settings))).ConfigureAwait(false);

    private static async Task<long?> RevisionAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await Sql.ScalarAsync<long?>(connection, null, "SELECT revision FROM settings WHERE name = $1", cancellationToken, RowName).ConfigureAwait(false);
}
