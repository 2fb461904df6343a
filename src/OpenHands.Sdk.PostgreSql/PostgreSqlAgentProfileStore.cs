using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenHands.Sdk.PostgreSql.Internal;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Keeps agent profiles in the <c>agent_profiles</c> table of a PostgreSQL database, one row per profile, so that several
/// agent-server instances share them. The semantics are <see cref="AgentProfileStore"/>'s: names, ids, revisions, limits,
/// renames and errors.
/// </summary>
/// <remarks>
/// <para>
/// Each row holds the profile as <c>text</c>: exactly the bytes <see cref="AgentProfileStore"/> writes to its file
/// (<see cref="AgentProfile.ToJson"/>), in the Python SDK's format. Agent profiles hold no secret.
/// </para>
/// <para>
/// Every write runs in one transaction holding the store's advisory lock, which serializes the agent-profile writes of
/// every instance (the limit, the namesake's id and revision and the rename checks are atomic with the write), and raises
/// the row's <c>revision</c> (the store's write counter, apart from the profile's own <see cref="AgentProfile.Revision"/>).
/// <see cref="WithLockAsync{T}"/> holds the same lock on a session of its own across several steps. Reads take no lock.
/// Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class PostgreSqlAgentProfileStore : IAgentProfileStore
{
    private const string LockName = "agent_profiles";
    private readonly PostgreSqlDatabase _database;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlAgentProfileStore"/> class; nothing is opened yet.</summary>
    /// <param name="database">The database.</param>
    /// <param name="loggerFactory">Receives log messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public PostgreSqlAgentProfileStore(PostgreSqlDatabase database, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = loggerFactory?.CreateLogger<PostgreSqlAgentProfileStore>() ?? NullLogger<PostgreSqlAgentProfileStore>.Instance;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AgentProfile>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<AgentProfile>();
        foreach (var (name, document) in await ReadAllAsync(connection, null, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                result.Add(Parse(document, name));
            }
            catch (InvalidProfileException e)
            {
                _logger.AgentProfileSkipped(name.Value, e.Message);
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<AgentProfile> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        await TryLoadAsync(name, cancellationToken).ConfigureAwait(false) ?? throw AgentProfileNotFoundException.ForName(name);

    /// <inheritdoc/>
    public async Task<AgentProfile?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await TryLoadAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<AgentProfile?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.Id == id);

    /// <inheritdoc/>
    public async Task<AgentProfile> SaveAsync(AgentProfile profile, int? maxProfiles = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var stored = await _database.WriteAsync(
            AdvisoryLocks.AgentProfiles, LockName,
            async (connection, transaction) =>
            {
                var exists = await RowExistsAsync(connection, transaction, profile.Name, cancellationToken).ConfigureAwait(false);
                AgentProfile? existing = null;
                try
                {
                    existing = exists ? await TryLoadAsync(connection, transaction, profile.Name, cancellationToken).ConfigureAwait(false) : null;
                }
                catch (InvalidProfileException)
                {
                    // an unreadable namesake is replaced by a new profile (new id), as the file store does
                }

                if (!exists && maxProfiles is { } limit
                    && await Sql.ScalarAsync<long>(connection, transaction, "SELECT count(*) FROM agent_profiles", cancellationToken).ConfigureAwait(false) >= limit)
                {
                    throw new ProfileLimitExceededException(profile.Name, limit);
                }

                var result = existing is null
                    ? profile.WithIdentity(profile.Name, Guid.NewGuid(), 0)
                    : profile.WithIdentity(profile.Name, existing.Id, existing.Revision + 1);
                await UpsertAsync(connection, transaction, result, cancellationToken).ConfigureAwait(false);
                return result;
            },
            cancellationToken).ConfigureAwait(false);
        _logger.AgentProfileSaved(stored.Name.Value, stored.Revision);
        return stored;
    }

    /// <inheritdoc/>
    public Task<Guid?> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(
            AdvisoryLocks.AgentProfiles, LockName,
            async (connection, transaction) =>
            {
                Guid? id = null;
                try
                {
                    id = (await TryLoadAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))?.Id;
                }
                catch (InvalidProfileException)
                {
                    // a corrupt row is deleted all the same; it has no id to report
                }

                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM agent_profiles WHERE name = $1", cancellationToken, name.Value).ConfigureAwait(false);
                return id;
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<AgentProfile> RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(
            AdvisoryLocks.AgentProfiles, LockName,
            async (connection, transaction) =>
            {
                var profile = await TryLoadAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false)
                    ?? throw AgentProfileNotFoundException.ForName(name);
                if (name == newName)
                {
                    return profile;
                }

                if (await RowExistsAsync(connection, transaction, newName, cancellationToken).ConfigureAwait(false))
                {
                    throw new AgentProfileAlreadyExistsException($"Agent profile '{newName}' already exists");
                }

                var renamed = profile.WithIdentity(newName, profile.Id, profile.Revision);
                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM agent_profiles WHERE name = $1", cancellationToken, name.Value).ConfigureAwait(false);
                await UpsertAsync(connection, transaction, renamed, cancellationToken).ConfigureAwait(false);
                return renamed;
            },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> HasAnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Sql.ScalarAsync<bool>(connection, null, "SELECT EXISTS (SELECT 1 FROM agent_profiles)", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>The lock is a session-level advisory lock on a connection of its own, the one every write's transaction takes.</remarks>
    public Task<T> WithLockAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _database.WithSessionLockAsync(AdvisoryLocks.AgentProfiles, LockName, action, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task WriteLockedAsync(AgentProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await UpsertAsync(connection, null, profile, cancellationToken).ConfigureAwait(false);
    }

    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AgentProfile profile, CancellationToken cancellationToken) =>
        await Sql.ExecuteAsync(
            connection, transaction,
            """
            INSERT INTO agent_profiles (name, document, revision) VALUES ($1, $2, 1)
            ON CONFLICT (name) DO UPDATE SET document = excluded.document, revision = agent_profiles.revision + 1, updated_at = now()
            """,
            cancellationToken, profile.Name.Value, profile.ToJson()).ConfigureAwait(false);

    private static async Task<bool> RowExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ProfileName name, CancellationToken cancellationToken) =>
        await Sql.ScalarAsync<bool>(connection, transaction, "SELECT EXISTS (SELECT 1 FROM agent_profiles WHERE name = $1)", cancellationToken, name.Value).ConfigureAwait(false);

    private static async Task<AgentProfile?> TryLoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ProfileName name, CancellationToken cancellationToken)
    {
        var document = await Sql.ScalarAsync<string>(connection, transaction, "SELECT document FROM agent_profiles WHERE name = $1", cancellationToken, name.Value)
            .ConfigureAwait(false);
        return document is null ? null : Parse(document, name);
    }

    /// <summary>Every row whose name is a valid profile name in its canonical form, sorted by name.</summary>
    private static async Task<List<(ProfileName Name, string Document)>> ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var rows = new List<(ProfileName, string)>();
        await using var command = Sql.Command(connection, transaction, "SELECT name, document FROM agent_profiles");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var stored = reader.GetString(0);
            if (ProfileName.TryCreate(stored, out var name) && name.Value == stored)
            {
                rows.Add((name, reader.GetString(1)));
            }
        }

        rows.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return rows;
    }

    /// <exception cref="InvalidProfileException">The row is not a valid agent profile.</exception>
    private static AgentProfile Parse(string document, ProfileName name)
    {
        try
        {
            return AgentProfile.Parse(document, name);
        }
        catch (InvalidAgentProfileException e)
        {
            throw new InvalidProfileException(
                $"Failed to load profile `{name}`: {e.Message}. Fix or delete the row agent_profiles/{name}, or save the profile again.", e);
        }
    }
}
