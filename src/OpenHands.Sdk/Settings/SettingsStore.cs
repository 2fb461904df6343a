using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Security.Internal;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// Keeps <c>settings.json</c> (agent and conversation settings, the active profile pointer) beside the
/// <c>profiles/</c> folder, and owns the one migration of the LLM that legacy files embed.
/// </summary>
/// <remarks>
/// <para>
/// Every schema the Python SDK has written loads. A file whose <c>agent_settings</c> still embeds an <c>llm</c> (with its
/// key) is migrated by <see cref="MigrateLegacyAsync"/>, which the CLI and the agent server run at start, and otherwise by
/// the first load: the original is kept in <c>settings.json.bak</c> (mode 0600), the LLM is stored as a profile under
/// <see cref="ProfileMaterializer"/>'s policy (an equal profile is reused; no existing profile is replaced), its key
/// encrypted with the profile store's cipher, and the file is rewritten without it. The profile becomes active unless
/// <c>active_profile</c> already names an existing profile. The profile is written before the settings, so a crash in
/// between only repeats the move, which writes nothing the second time.
/// </para>
/// <para>
/// Writes take the lock <c>.settings.lock</c> and replace the file atomically. A file that cannot be read is an
/// <see cref="InvalidSettingsException"/>, never silently replaced by defaults. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class SettingsStore : ISettingsStore
{
    /// <summary>The settings file name.</summary>
    public const string FileName = "settings.json";

    private const string LockFileName = ".settings.lock";

    private readonly string _directory;
    private readonly string _path;
    private readonly string _lockPath;
    private readonly TimeSpan _lockTimeout;
    private readonly ILlmProfileStore _profiles;
    private readonly ProfileMaterializer _materializer;
    private readonly Cipher? _cipher;
    private readonly ILogger _logger;
    private CachedSettings? _cached;

    /// <summary>Initializes a new instance of the <see cref="SettingsStore"/> class.</summary>
    /// <param name="options">Folder and lock timeout; copied now.</param>
    /// <param name="profiles">The profile store; use the same instance as every other profile operation.</param>
    /// <param name="cipher">Decrypts secrets in legacy settings files; use the profile store's cipher.</param>
    /// <param name="loggerFactory">Receives log messages; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="profiles"/> is <see langword="null"/>.</exception>
    public SettingsStore(SettingsStoreOptions options, ILlmProfileStore profiles, Cipher? cipher = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LockTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LockTimeout, TimeSpan.FromHours(1), nameof(options));
        _directory = OpenHandsPaths.PersistenceDirectory(options.Directory);
        _path = Path.Combine(_directory, FileName);
        _lockPath = Path.Combine(_directory, LockFileName);
        _lockTimeout = options.LockTimeout;
        _profiles = profiles;
        _materializer = new ProfileMaterializer(profiles, loggerFactory);
        _cipher = cipher;
        _logger = loggerFactory?.CreateLogger<SettingsStore>() ?? NullLogger<SettingsStore>.Instance;
    }

    /// <summary>Gets the path of <c>settings.json</c>.</summary>
    public string FilePath => _path;

    /// <summary>Loads the settings, migrating a legacy embedded LLM into a profile first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings; defaults when the file does not exist.</returns>
    /// <exception cref="InvalidSettingsException">The file cannot be read; it was not changed.</exception>
    /// <exception cref="SecretDecryptionException">The legacy LLM's key cannot be decrypted; nothing was changed.</exception>
    /// <exception cref="StoreBusyException">A migration was needed and a lock was not free in time.</exception>
    /// <remarks>
    /// A file whose size and times are unchanged since it was last read is not read again, provided its last write time
    /// was already more than a few seconds old then, so that no later write can leave them equal: its settings are
    /// returned from memory. Writes by other instances and processes show at once.
    /// </remarks>
    public async Task<PersistedSettings> LoadAsync(CancellationToken cancellationToken = default)
    {
        // Taken before the file's metadata: the stamp must be older than this by the racy window to be trusted.
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var stamp = FileStamp.Of(new FileInfo(_path));
        if (stamp is { } current && Volatile.Read(ref _cached) is { } cached && cached.Stamp == current)
        {
            return cached.Settings;
        }

        var (settings, legacy, _) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (legacy is null)
        {
            Volatile.Write(ref _cached, stamp is { } read && read.IsSettled(now) ? new CachedSettings(read, settings) : null);
            return settings;
        }

        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            return (await ReadMigratedAsync(cancellationToken).ConfigureAwait(false)).Settings;
        }
    }

    /// <summary>
    /// Moves the LLM a legacy <c>settings.json</c> embeds into a profile now, and says what moved where. The CLI runs it
    /// before every command and the agent server at start, so that no later read finds a legacy file.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What moved where, or <see langword="null"/> when the file embeds no LLM (or does not exist): nothing was written then.</returns>
    /// <exception cref="InvalidSettingsException">The file cannot be read, or its LLM is invalid; nothing was changed.</exception>
    /// <exception cref="SecretDecryptionException">The legacy LLM's key cannot be decrypted (set <c>OH_SECRET_KEY</c>); nothing was changed.</exception>
    /// <exception cref="StoreBusyException">A lock was not free in time.</exception>
    public async Task<LegacySettingsMigration?> MigrateLegacyAsync(CancellationToken cancellationToken = default)
    {
        // The common case (nothing to move) reads the file once and takes no lock.
        if ((await ReadAsync(cancellationToken).ConfigureAwait(false)).LegacyLlm is null)
        {
            return null;
        }

        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            return (await ReadMigratedAsync(cancellationToken).ConfigureAwait(false)).Migration;
        }
    }

    /// <summary>Replaces the settings file.</summary>
    /// <param name="settings">The settings to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public async Task SaveAsync(PersistedSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            Write(settings);
        }
    }

    /// <summary>Reads, changes and writes the settings under the lock, so concurrent updates are not lost.</summary>
    /// <param name="update">Returns the new settings from the current ones.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings as written.</returns>
    /// <exception cref="InvalidSettingsException">The file cannot be read; it was not changed.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public async Task<PersistedSettings> UpdateAsync(Func<PersistedSettings, PersistedSettings> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var (current, _) = await ReadMigratedAsync(cancellationToken).ConfigureAwait(false);
            var next = update(current) ?? throw new InvalidOperationException("The update function returned null.");
            Write(next);
            return next;
        }
    }

    /// <summary>Makes a profile the active one. Only the pointer is stored: no LLM is copied into the settings.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings as written.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist; nothing was changed.</exception>
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

    /// <summary>Returns whether the active profile holds an API key (derived, never stored in the settings).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a profile is active and its file holds a key.</returns>
    public async Task<bool> GetLlmApiKeyIsSetAsync(CancellationToken cancellationToken = default)
    {
        var settings = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (settings.ActiveProfile is not { } active)
        {
            return false;
        }

        var summaries = await _profiles.ListSummariesAsync(cancellationToken).ConfigureAwait(false);
        return summaries.Any(s => s.Name == active && s.ApiKeySet);
    }

    /// <summary>The settings, after the one legacy migration when the file embeds an LLM. Called under the settings lock.</summary>
    private async Task<(PersistedSettings Settings, LegacySettingsMigration? Migration)> ReadMigratedAsync(CancellationToken cancellationToken)
    {
        var (settings, legacy, original) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (legacy is null)
        {
            return (settings, null);
        }

        // Everything is checked before the first write: a bad key or a broken LLM changes nothing.
        var llm = DecodeLegacyLlm(legacy);
        var active = settings.ActiveProfile is { } a && await _profiles.ExistsAsync(a, cancellationToken).ConfigureAwait(false) ? a : (ProfileName?)null;

        var backup = BackupFile.Create(_path, original);

        // Python's activate copied the active profile into the settings: that profile is the LLM's likely origin, so the
        // policy reuses it when equal (provenance only: it is never overwritten).
        var materialized = await _materializer.MaterializeCoreAsync(
            active is { } origin ? llm with { SourceProfile = origin } : llm, new ProfileMaterializeOptions(), cancellationToken).ConfigureAwait(false);
        var migrated = settings with { ActiveProfile = active ?? materialized.Name };
        Write(migrated);
        var migration = new LegacySettingsMigration(_path, backup, llm.Model, materialized.Name, materialized.Written, migrated.ActiveProfile!.Value);
        _logger.LegacySettingsMigrated(migration.ToString());
        return (migrated, migration);
    }

    private Llm DecodeLegacyLlm(JsonObject legacy)
    {
        var element = JsonSerializer.SerializeToElement<JsonNode>(legacy, Internal.SettingsJsonContext.Default.JsonNode);
        try
        {
            return LlmJsonCodec.Read(element, _cipher, isProfileFile: false,
                (field, reason) => new SecretDecryptionException($"{_path} (agent_settings.llm)", field, reason));
        }
        catch (LlmFormatException ex)
        {
            throw new InvalidSettingsException(_path, "agent_settings.llm is invalid: " + ex.Message, ex);
        }
    }

    private async Task<(PersistedSettings Settings, JsonObject? LegacyLlm, byte[] Bytes)> ReadAsync(CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return (new PersistedSettings(), null, []);
        }

        try
        {
            var (settings, legacy) = Internal.SettingsCodec.Read(JsonNode.Parse(bytes));
            return (settings, legacy, bytes);
        }
        catch (JsonException ex)
        {
            throw new InvalidSettingsException(_path, "the file is not valid JSON: " + ex.Message, ex);
        }
        catch (LlmFormatException ex)
        {
            throw new InvalidSettingsException(_path, ex.Message, ex);
        }
    }

    /// <summary>
    /// Re-encrypts every Fernet token in <c>settings.json</c> (secrets a Python server or an older version stored there)
    /// with <paramref name="target"/>'s current key, under the lock, reading with <paramref name="read"/>. One atomic replace.
    /// </summary>
    /// <returns><see langword="true"/> when the file was (or, for a dry run, would be) rewritten.</returns>
    /// <exception cref="SecretDecryptionException">A token fits none of <paramref name="read"/>'s keys; the file is left as it is.</exception>
    internal async Task<bool> ReencryptAsync(Cipher read, Cipher target, bool dryRun, CancellationToken cancellationToken)
    {
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return false;
            }

            if (FernetTokens.Reencrypt(bytes, read, target, _path) is not { } rewritten)
            {
                return false;
            }

            if (dryRun)
            {
                return true;
            }

            AtomicFile.Write(_path, rewritten, flushToDisk: true);
        }

        _logger.FileReencrypted(_path);
        return true;
    }

    private void Write(PersistedSettings settings)
    {
        AtomicFile.EnsureDirectory(_directory);
        AtomicFile.Write(_path, Internal.SettingsCodec.Write(settings), flushToDisk: true);
    }

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        AtomicFile.EnsureDirectory(_directory);
        try
        {
            return await FileLock.AcquireAsync(_lockPath, _lockTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new StoreBusyException(_lockPath, _lockTimeout);
        }
    }

    /// <summary>The settings file's stamp when it was read, and what it held.</summary>
    private sealed record CachedSettings(FileStamp Stamp, PersistedSettings Settings);
}
