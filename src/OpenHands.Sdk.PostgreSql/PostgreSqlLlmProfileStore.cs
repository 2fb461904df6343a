using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.PostgreSql.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Keeps LLM profiles in the <c>llm_profiles</c> table of a PostgreSQL database, so that several agent-server instances
/// share them. The semantics are <see cref="LlmProfileStore"/>'s: names, limits, create-only saves, renames and errors.
/// </summary>
/// <remarks>
/// <para>
/// Each row holds the profile's document as <c>text</c>: exactly the bytes <see cref="LlmProfileStore"/> writes to the
/// profile's file (<see cref="LlmJson.ToProfileDocument"/>), so unknown fields survive byte for byte and, with a
/// <see cref="Cipher"/>, secrets are the same Fernet tokens as in the files.
/// </para>
/// <para>
/// Every write takes one transaction-level advisory lock, which serializes the profile writes of every instance (the
/// limit and create-only checks are atomic with the write), and raises the row's <c>revision</c>. A conditional write
/// (<see cref="SaveAsync(ProfileName, Llm, long?, ProfileSaveOptions?, CancellationToken)"/>) names the revision it read
/// and fails with <see cref="StoreConflictException"/> when another writer came first. Reads take no lock.
/// </para>
/// <para>Instances are thread-safe; any number of instances and processes may share a database.</para>
/// </remarks>
public sealed class PostgreSqlLlmProfileStore : ILlmProfileStore
{
    private const string LockName = "llm_profiles";
    private readonly PostgreSqlDatabase _database;
    private readonly Cipher? _cipher;
    private readonly ILogger _logger;
    private int _plaintextWarned;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlLlmProfileStore"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <param name="cipher">Encrypts secrets at rest and decrypts them on load; <see langword="null"/> for plaintext.</param>
    /// <param name="loggerFactory">Receives log messages (never secret values).</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public PostgreSqlLlmProfileStore(PostgreSqlDatabase database, Cipher? cipher = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _cipher = cipher;
        _logger = loggerFactory?.CreateLogger<PostgreSqlLlmProfileStore>() ?? NullLogger<PostgreSqlLlmProfileStore>.Instance;
    }

    /// <summary>Gets whether secrets are encrypted at rest.</summary>
    public bool EncryptsSecrets => _cipher is not null;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ListNamesAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default)
    {
        var summaries = new List<LlmProfileSummary>();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(connection, null, "SELECT name, document FROM llm_profiles");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!TryName(reader.GetString(0), out var name))
            {
                continue;
            }

            try
            {
                summaries.Add(LlmJson.ReadProfileSummary(Encoding.UTF8.GetBytes(reader.GetString(1)), name, Location(name)));
            }
            catch (InvalidProfileException e)
            {
                _logger.ProfileSkipped(name.Value, e.Message);
            }
        }

        summaries.Sort((a, b) => a.Name.CompareTo(b.Name));
        return summaries;
    }

    /// <inheritdoc/>
    public async Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        await TryLoadAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new ProfileNotFoundException(name, await ListAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public async Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var document = await Sql.ScalarAsync<string>(connection, null, "SELECT document FROM llm_profiles WHERE name = $1", cancellationToken, name.Value)
            .ConfigureAwait(false);
        return document is null ? null : LlmJson.ReadProfileDocument(Encoding.UTF8.GetBytes(document), name, _cipher, Location(name));
    }

    /// <summary>Gets a profile's revision, the number a conditional save names.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The revision (1 when created, raised by every write), or <see langword="null"/> when the profile does not exist.</returns>
    public async Task<long?> GetRevisionAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await RevisionAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default) =>
        WriteAsync(name, llm, options, conditional: false, expectedRevision: null, cancellationToken);

    /// <summary>
    /// Saves a profile only when its stored revision is still <paramref name="expectedRevision"/> (<see langword="null"/>:
    /// only when it does not exist), checked under the store's lock, so that a read-modify-write never overwrites a write
    /// it did not see.
    /// </summary>
    /// <param name="name">The profile.</param>
    /// <param name="llm">The configuration to store.</param>
    /// <param name="expectedRevision">The revision read before (<see cref="GetRevisionAsync"/>), or <see langword="null"/> for a new profile.</param>
    /// <param name="options">Whether secrets are kept and the most profiles allowed; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="StoreConflictException">The stored revision is another; nothing was written.</exception>
    /// <exception cref="ProfileLimitExceededException">The profile is new and the store is full.</exception>
    /// <exception cref="StoreBusyException">The store lock was not free in time.</exception>
    public Task<long> SaveAsync(ProfileName name, Llm llm, long? expectedRevision, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default) =>
        WriteAsync(name, llm, options, conditional: true, expectedRevision, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var deleted = await _database.WriteAsync(
            AdvisoryLocks.LlmProfiles, LockName,
            async (connection, transaction) =>
                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM llm_profiles WHERE name = $1", cancellationToken, name.Value).ConfigureAwait(false) > 0,
            cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            _logger.ProfileDeleted(name.Value);
        }

        return deleted;
    }

    /// <inheritdoc/>
    public async Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default)
    {
        var renamed = await _database.WriteAsync(
            AdvisoryLocks.LlmProfiles, LockName,
            async (connection, transaction) =>
            {
                if (await RevisionAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new ProfileNotFoundException(name, await ListNamesAsync(connection, transaction, cancellationToken).ConfigureAwait(false));
                }

                if (name == newName)
                {
                    return false;
                }

                if (await RevisionAsync(connection, transaction, newName, cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw new ProfileAlreadyExistsException(newName);
                }

                await Sql.ExecuteAsync(
                    connection, transaction, "UPDATE llm_profiles SET name = $2, revision = revision + 1, updated_at = now() WHERE name = $1",
                    cancellationToken, name.Value, newName.Value).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        if (renamed)
        {
            _logger.ProfileRenamed(name.Value, newName.Value);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        await GetRevisionAsync(name, cancellationToken).ConfigureAwait(false) is not null;

    private async Task<long> WriteAsync(
        ProfileName name, Llm llm, ProfileSaveOptions? options, bool conditional, long? expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var includeSecrets = options?.IncludeSecrets ?? true;
        var maxProfiles = options?.MaxProfiles;
        ArgumentOutOfRangeException.ThrowIfNegative(maxProfiles ?? 0, nameof(options));

        // Encoded before the lock, as the file store does: a bad value fails before anything is touched.
        var exposure = !includeSecrets ? SecretExposure.Redacted : _cipher is null ? SecretExposure.Plaintext : SecretExposure.Encrypted;
        var document = Encoding.UTF8.GetString(LlmJson.ToProfileDocument(llm, exposure, _cipher));
        var revision = await _database.WriteAsync(
            AdvisoryLocks.LlmProfiles, LockName,
            async (connection, transaction) =>
            {
                var current = await RevisionAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
                if (conditional && current != expectedRevision)
                {
                    throw new StoreConflictException($"LLM profile '{name}'", expectedRevision, current);
                }

                if (current is not null && options?.CreateOnly == true)
                {
                    throw new ProfileAlreadyExistsException(name);
                }

                if (current is null && maxProfiles is { } limit
                    && await Sql.ScalarAsync<long>(connection, transaction, "SELECT count(*) FROM llm_profiles", cancellationToken).ConfigureAwait(false) >= limit)
                {
                    throw new ProfileLimitExceededException(name, limit);
                }

                return await Sql.ScalarAsync<long>(
                    connection, transaction,
                    """
                    INSERT INTO llm_profiles (name, document, revision) VALUES ($1, $2, 1)
                    ON CONFLICT (name) DO UPDATE SET document = excluded.document, revision = llm_profiles.revision + 1, updated_at = now()
                    RETURNING revision
                    """,
                    cancellationToken, name.Value, document).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        var keySet = llm.ApiKey is not null && exposure != SecretExposure.Redacted;
        _logger.ProfileSaved(name.Value, revision, keySet, exposure == SecretExposure.Encrypted);
        if (keySet && exposure == SecretExposure.Plaintext && Interlocked.Exchange(ref _plaintextWarned, 1) == 0)
        {
            _logger.PlaintextSecrets();
        }

        return revision;
    }

    private static async Task<long?> RevisionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ProfileName name, CancellationToken cancellationToken) =>
        await Sql.ScalarAsync<long?>(connection, transaction, "SELECT revision FROM llm_profiles WHERE name = $1", cancellationToken, name.Value).ConfigureAwait(false);

    private static async Task<List<ProfileName>> ListNamesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var names = new List<ProfileName>();
        await using var command = Sql.Command(connection, transaction, "SELECT name FROM llm_profiles");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryName(reader.GetString(0), out var name))
            {
                names.Add(name);
            }
        }

        names.Sort();
        return names;
    }

    /// <summary>A stored name as a <see cref="ProfileName"/>; rows whose name is not a valid one in its canonical form are not profiles.</summary>
    private static bool TryName(string stored, out ProfileName name) => ProfileName.TryCreate(stored, out name) && name.Value == stored;

    /// <summary>Where a profile is kept, as error messages name it (in place of the file store's path).</summary>
    private static string Location(ProfileName name) => $"llm_profiles/{name}";
}
