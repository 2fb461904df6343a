using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Keeps provider connections in one file, <c>provider_connections.json</c>, in the Python agent-server 1.43 format and
/// folder (<c>&lt;persistence&gt;/provider-connections/</c>), so both servers share it.
/// </summary>
/// <remarks>
/// <para>
/// Writes take the inter-process lock <c>.provider-connections.lock</c> and replace the file atomically. With a
/// <see cref="Cipher"/> each key is a Fernet token (the profile store's cipher, so one <c>OH_SECRET_KEY</c> covers both);
/// without one, keys are plaintext. A key that no configured key decrypts is an error, never a silent <see langword="null"/>,
/// so a read-modify-write with the wrong key cannot erase it. A corrupt file is never replaced.
/// </para>
/// <para>Instances are thread-safe; any number of instances and processes may share a folder.</para>
/// </remarks>
public sealed class ProviderConnectionStore : IProviderConnectionStore
{
    /// <summary>The file name, shared with the Python agent-server.</summary>
    public const string FileName = "provider_connections.json";

    /// <summary>The lock file name, shared with the Python agent-server.</summary>
    public const string LockFileName = ".provider-connections.lock";

    private readonly string _path;
    private readonly string _lockPath;
    private readonly TimeSpan _lockTimeout;
    private readonly bool _flushToDisk;
    private readonly int _maxConnections;
    private readonly Cipher? _cipher;
    private readonly ILlmProfileStore? _profiles;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ProviderConnectionStore"/> class and creates its folder.</summary>
    /// <param name="options">Folder, lock timeout, durability and limit; copied now.</param>
    /// <param name="cipher">Encrypts keys at rest and decrypts them; <see langword="null"/> for plaintext.</param>
    /// <param name="profiles">The LLM profiles that may refer to connections: a referenced connection is not deleted. None: no check.</param>
    /// <param name="loggerFactory">Receives log messages (never key values).</param>
    /// <param name="timeProvider">Stamps <see cref="ProviderConnection.CreatedAt"/> and <see cref="ProviderConnection.UpdatedAt"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The lock timeout or the limit is not positive.</exception>
    public ProviderConnectionStore(
        ProviderConnectionStoreOptions options, Cipher? cipher = null, ILlmProfileStore? profiles = null, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LockTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LockTimeout, TimeSpan.FromHours(1), nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxConnections, 0, nameof(options));
        Directory = OpenHandsPaths.ProviderConnectionsDirectory(options.Directory);
        _path = Path.Combine(Directory, FileName);
        _lockPath = Path.Combine(Directory, LockFileName);
        _lockTimeout = options.LockTimeout;
        _flushToDisk = options.FlushToDisk;
        _maxConnections = options.MaxConnections;
        _cipher = cipher;
        _profiles = profiles;
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<ProviderConnectionStore>() ?? NullLogger<ProviderConnectionStore>.Instance;
        AtomicFile.EnsureDirectory(Directory);
    }

    /// <summary>Gets the folder that holds <see cref="FileName"/>.</summary>
    public string Directory { get; }

    /// <summary>Gets the path of the connections file.</summary>
    public string FilePath => _path;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ProviderConnection>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(_cipher, cancellationToken).ConfigureAwait(false)).Select(r => r.Connection)];

    /// <inheritdoc/>
    public async Task<ProviderConnection?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return (await ReadAsync(_cipher, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Connection.Id == id)?.Connection;
    }

    /// <inheritdoc/>
    public async Task<ProviderConnection> CreateAsync(
        string displayName, string provider, SecretString apiKey, string? baseUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var now = Now();
        var connection = new ProviderConnection(Guid.NewGuid().ToString("N"), displayName, provider, apiKey, baseUrl, now, now).Validate();
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var records = await ReadAsync(_cipher, cancellationToken).ConfigureAwait(false);
            if (records.Count >= _maxConnections)
            {
                throw new ProfileLimitExceededException($"Provider connection limit reached ({_maxConnections}). Delete one before adding another.");
            }

            records.Add(new Record(connection, null));
            Write(records, _cipher);
        }

        _logger.ConnectionSaved(connection.Id, apiKeySet: true, _cipher is not null);
        return connection;
    }

    /// <inheritdoc/>
    public async Task<ProviderConnection> UpdateAsync(string id, Func<ProviderConnection, ProviderConnection> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(update);
        ProviderConnection next;
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var records = await ReadAsync(_cipher, cancellationToken).ConfigureAwait(false);
            var index = records.FindIndex(r => r.Connection.Id == id);
            if (index < 0)
            {
                throw new ProviderConnectionNotFoundException(id, profile: null);
            }

            var current = records[index].Connection;
            next = ((update(current) ?? throw new InvalidOperationException("The update function returned null."))
                with { Id = current.Id, CreatedAt = current.CreatedAt, UpdatedAt = Now() }).Validate();
            records[index] = records[index] with { Connection = next };
            Write(records, _cipher);
        }

        _logger.ConnectionSaved(id, next.ApiKeySet, _cipher is not null);
        return next;
    }

    /// <inheritdoc/>
    public async Task<ProviderConnection> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ProviderConnection deleted;
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var records = await ReadAsync(_cipher, cancellationToken).ConfigureAwait(false);
            var index = records.FindIndex(r => r.Connection.Id == id);
            if (index < 0)
            {
                throw new ProviderConnectionNotFoundException(id, profile: null);
            }

            // Checked under this store's lock: a connection created or rotated meanwhile is not lost. A profile saved at
            // this very moment may still link to it; resolving that profile then names the missing connection.
            if (_profiles is not null)
            {
                var referrers = (await _profiles.ListSummariesAsync(cancellationToken).ConfigureAwait(false))
                    .Where(p => p.ProviderConnectionId == id).Select(p => p.Name).Order().ToList();
                if (referrers.Count > 0)
                {
                    throw new ProviderConnectionInUseException(id, referrers);
                }
            }

            deleted = records[index].Connection;
            records.RemoveAt(index);
            Write(records, _cipher);
        }

        _logger.ConnectionDeleted(id);
        return deleted;
    }

    /// <summary>
    /// Re-encrypts every key with <paramref name="target"/>'s current key, under the lock, reading with this store's cipher
    /// (which holds the old keys too). One atomic replace: a kill leaves the old file or the new one.
    /// </summary>
    /// <returns><see langword="true"/> when the file was rewritten; <see langword="false"/> when it is missing or every key already fits <paramref name="target"/>.</returns>
    internal async Task<bool> ReencryptAsync(Cipher target, CancellationToken cancellationToken)
    {
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var records = await ReadAsync(_cipher, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(_path) || await IsCurrentAsync(target, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            Write(records, target);
        }

        _logger.FileReencrypted(_path);
        return true;
    }

    /// <summary>Whether every stored key is a token of <paramref name="target"/>'s current key (plaintext keys count as current).</summary>
    internal async Task<bool> IsCurrentAsync(Cipher target, CancellationToken cancellationToken)
    {
        try
        {
            await ReadAsync(target.WithoutPreviousKeys(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SecretDecryptionException)
        {
            return false;
        }
    }

    private async Task<List<Record>> ReadAsync(Cipher? cipher, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        ProviderConnectionsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, OpenHandsJson.Redacted.Contract<ProviderConnectionsDocument>());
        }
        catch (JsonException ex)
        {
            throw new InvalidProviderConnectionsException(_path, JsonErrors.Describe(ex), ex);
        }

        if (document is null)
        {
            throw new InvalidProviderConnectionsException(_path, "the top-level JSON value is not an object", null);
        }

        if (document.SchemaVersion is { } version and (> ProviderConnectionsDocument.CurrentSchemaVersion or < 0))
        {
            throw new InvalidProviderConnectionsException(
                _path, $"schema_version {version} is newer than supported version {ProviderConnectionsDocument.CurrentSchemaVersion}", null);
        }

        var records = new List<Record>();
        foreach (var item in document.Connections ?? [])
        {
            records.Add(ToRecord(item, cipher));
        }

        return records;
    }

    private Record ToRecord(ProviderConnectionDocument? item, Cipher? cipher)
    {
        if (item is null || string.IsNullOrEmpty(item.Id) || string.IsNullOrEmpty(item.DisplayName))
        {
            throw new InvalidProviderConnectionsException(_path, "a connection has no id or no display_name", null);
        }

        var key = item.ApiKey;
        if (key is not null && Cipher.LooksEncrypted(key.Reveal()))
        {
            key = cipher is null
                ? throw new SecretDecryptionException(DecryptionMessage(item.Id, "the value is encrypted and no cipher is configured"))
                : cipher.TryDecrypt(key.Reveal(), out var plain)
                    ? SecretString.FromNullable(plain)
                    : throw new SecretDecryptionException(DecryptionMessage(item.Id, "no configured key (OH_SECRET_KEY, OH_SECRET_KEY_PREVIOUS) decrypts it"));
        }

        var connection = new ProviderConnection(
            item.Id, item.DisplayName, string.IsNullOrEmpty(item.Provider) ? ProviderConnection.DefaultProvider : item.Provider, key, item.BaseUrl,
            DateTimeOffset.FromUnixTimeSeconds(item.CreatedAt), DateTimeOffset.FromUnixTimeSeconds(item.UpdatedAt));
        return new Record(connection, item.Unknown);
    }

    private static string DecryptionMessage(string id, string reason) =>
        $"Cannot decrypt 'api_key' of provider connection '{id}': {reason}. Set OH_SECRET_KEY to the key it was saved with "
        + "(or that key as OH_SECRET_KEY_PREVIOUS during a rotation), or set a new key on the connection.";

    private void Write(List<Record> records, Cipher? cipher)
    {
        var document = new ProviderConnectionsDocument
        {
            SchemaVersion = ProviderConnectionsDocument.CurrentSchemaVersion,
            Connections = [.. records.Select(r => new ProviderConnectionDocument
            {
                Id = r.Connection.Id,
                DisplayName = r.Connection.DisplayName,
                Provider = r.Connection.Provider,
                ApiKey = r.Connection.ApiKey,
                BaseUrl = r.Connection.BaseUrl,
                CreatedAt = r.Connection.CreatedAt.ToUnixTimeSeconds(),
                UpdatedAt = r.Connection.UpdatedAt.ToUnixTimeSeconds(),
                Unknown = r.Unknown,
            })],
        };
        var options = OpenHandsJson.For(cipher is null ? SecretExposure.Plaintext : SecretExposure.Encrypted, cipher, indented: true);
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(document, options.Contract<ProviderConnectionsDocument>()), _flushToDisk);
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await FileLock.AcquireAsync(_lockPath, _lockTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new StoreBusyException(_lockPath, _lockTimeout);
        }
    }

    /// <summary>One stored connection and the fields of its record this version does not model (kept on write).</summary>
    private sealed record Record(ProviderConnection Connection, Dictionary<string, JsonElement>? Unknown);
}
