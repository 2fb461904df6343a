using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Keeps LLM profiles as one JSON file per profile, in the Python SDK's format, so both SDKs share one folder.
/// </summary>
/// <remarks>
/// <para>
/// Writes (save, delete, rename) take the inter-process lock <c>.profiles.lock</c> in the folder, the lock file and
/// kind the Python SDK uses, and replace files atomically (temp file, flush, rename), so a crash never leaves a torn,
/// empty or missing profile. Reads take no lock: a reader always sees a whole old or a whole new file.
/// </para>
/// <para>
/// With a <see cref="Cipher"/>, secrets are stored as Fernet tokens the Python SDK can decrypt; without one they are
/// stored in plaintext. On Unix the folder is created with mode 0700 and files with mode 0600.
/// </para>
/// <para>Instances are thread-safe; any number of instances and processes may share a folder.</para>
/// </remarks>
public sealed partial class LlmProfileStore : ILlmProfileStore
{
    /// <summary>The lock file name, shared with the Python SDK.</summary>
    public const string LockFileName = ".profiles.lock";

    private readonly string _directory;
    private readonly string _lockPath;
    private readonly TimeSpan _lockTimeout;
    private readonly bool _flushToDisk;
    private readonly Cipher? _cipher;
    private readonly ILogger _logger;
    private SummaryCache? _summaryCache;
    private int _plaintextWarned;

    /// <summary>
    /// Initializes a new instance of the <see cref="LlmProfileStore"/> class and creates its folder, with the
    /// subfolder <c>.cache</c> for the listing's summary cache (see <see cref="ListSummariesAsync"/>).
    /// </summary>
    /// <param name="options">Folder, lock timeout and durability; copied now.</param>
    /// <param name="cipher">Encrypts secrets at rest and decrypts them on load; <see langword="null"/> for plaintext.</param>
    /// <param name="loggerFactory">Receives log messages (never secret values); none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The lock timeout is not positive, or is over 1 hour.</exception>
    public LlmProfileStore(LlmProfileStoreOptions options, Cipher? cipher = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LockTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LockTimeout, TimeSpan.FromHours(1), nameof(options));
        _directory = OpenHandsPaths.ProfilesDirectory(options.Directory);
        _lockPath = Path.Combine(_directory, LockFileName);
        _lockTimeout = options.LockTimeout;
        _flushToDisk = options.FlushToDisk;
        _cipher = cipher;
        _logger = loggerFactory?.CreateLogger<LlmProfileStore>() ?? NullLogger<LlmProfileStore>.Instance;
        AtomicFile.EnsureDirectory(_directory);
        _ = SummaryCacheFile.TryPrepare(_directory);
    }

    /// <summary>Gets the folder that holds the profile files.</summary>
    public string Directory => _directory;

    /// <summary>Gets whether secrets are encrypted at rest.</summary>
    public bool EncryptsSecrets => _cipher is not null;

    /// <summary>Gets the path of a profile's file.</summary>
    /// <param name="name">The profile.</param>
    /// <returns>The full path of <c>&lt;name&gt;.json</c>.</returns>
    public string GetPath(ProfileName name) => Path.Combine(_directory, name.FileName);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ProfileName>>(ListNames());
    }

    /// <inheritdoc/>
    public async Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        await TryLoadAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new ProfileNotFoundException(name, ListNames());

    /// <inheritdoc/>
    /// <remarks>
    /// A file whose stamp (size and times) is unchanged since it was last decoded, while the folder is unchanged too, is
    /// not read or decrypted again, under the same rule as <see cref="ListSummariesAsync"/>: the stamps must have been a
    /// few seconds old when they were taken. So a load costs two metadata reads while nothing changed, and any save,
    /// rename or delete by another instance or process shows at the next load.
    /// </remarks>
    public async Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var cache = CurrentSummaryCache(now);
        var path = GetPath(name);
        if (FileStamp.Of(new FileInfo(path)) is not { } stamp)
        {
            return null;
        }

        if (cache is not null && cache.Loaded.TryGetValue(name, out var cached) && cached.Stamp == stamp)
        {
            return cached.Llm;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var llm = Decode(name, path, bytes);
        if (cache is not null && stamp.IsSettled(now))
        {
            cache.Loaded[name] = new CachedProfile(stamp, llm);
        }

        return llm;
    }

    /// <inheritdoc/>
    public async Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var includeSecrets = options?.IncludeSecrets ?? true;
        var maxProfiles = options?.MaxProfiles;
        ArgumentOutOfRangeException.ThrowIfNegative(maxProfiles ?? 0, nameof(options));

        var exposure = !includeSecrets ? SecretExposure.Redacted : _cipher is null ? SecretExposure.Plaintext : SecretExposure.Encrypted;
        var bytes = LlmJsonCodec.ToProfileBytes(llm, exposure, _cipher);
        var path = GetPath(name);

        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var exists = File.Exists(path);
            if (exists && options?.CreateOnly == true)
            {
                throw new ProfileAlreadyExistsException(name);
            }

            if (maxProfiles is { } limit && !exists && ListNames().Count >= limit)
            {
                throw new ProfileLimitExceededException(name, limit);
            }

            AtomicFile.Write(path, bytes, _flushToDisk);
        }

        var keySet = llm.ApiKey is not null && exposure != SecretExposure.Redacted;
        _logger.ProfileSaved(name.Value, keySet, exposure == SecretExposure.Encrypted);
        if (keySet && exposure == SecretExposure.Plaintext && Interlocked.Exchange(ref _plaintextWarned, 1) == 0)
        {
            _logger.PlaintextSecrets(_directory);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var path = GetPath(name);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
        }

        _logger.ProfileDeleted(name.Value);
        return true;
    }

    /// <inheritdoc/>
    public async Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default)
    {
        var source = GetPath(name);
        var target = GetPath(newName);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(source))
            {
                throw new ProfileNotFoundException(name, ListNames());
            }

            if (name == newName)
            {
                return;
            }

            if (File.Exists(target))
            {
                throw new ProfileAlreadyExistsException(newName);
            }

            File.Move(source, target, overwrite: false);
        }

        _logger.ProfileRenamed(name.Value, newName.Value);
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(GetPath(name)));
    }

    /// <summary>
    /// Re-encrypts one profile's secrets with <paramref name="target"/>'s current key, under the lock, reading with this
    /// store's cipher (which holds the old keys too). One atomic replace: a kill leaves the old file or the new one.
    /// </summary>
    /// <returns><see langword="true"/> when the file was rewritten; <see langword="false"/> when it is gone or already readable by <paramref name="target"/>'s current key alone.</returns>
    /// <exception cref="SecretDecryptionException">A secret fits none of this store's keys; the file is left as it is.</exception>
    internal async Task<bool> ReencryptAsync(ProfileName name, Cipher target, CancellationToken cancellationToken)
    {
        var path = GetPath(name);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                return false;
            }

            var llm = Decode(name, path, bytes);
            if (IsReadableBy(name, bytes, target.WithoutPreviousKeys()))
            {
                return false;
            }

            AtomicFile.Write(path, LlmJsonCodec.ToProfileBytes(llm, SecretExposure.Encrypted, target), _flushToDisk);
        }

        _logger.FileReencrypted(path);
        return true;
    }

    /// <summary>Whether every secret of a profile file decrypts with <paramref name="cipher"/> (plaintext secrets count).</summary>
    internal static bool IsReadableBy(ProfileName name, ReadOnlySpan<byte> bytes, Cipher cipher)
    {
        try
        {
            LlmJsonCodec.Read(bytes, cipher, isProfileFile: true, (field, reason) => new SecretDecryptionException(name.Value, field, reason));
            return true;
        }
        catch (SecretDecryptionException)
        {
            return false;
        }
    }

    /// <summary>Decodes a profile file's bytes; shared by loads and by tools that read profile files directly.</summary>
    internal Llm Decode(ProfileName name, string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return LlmJsonCodec.Read(
                bytes, _cipher, isProfileFile: true, (field, reason) => new SecretDecryptionException(name.Value, field, reason), sourceProfile: name);
        }
        catch (LlmFormatException ex)
        {
            throw new InvalidProfileException(name, path, ex.Message, ex);
        }
    }

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

    private List<ProfileName> ListNames()
    {
        var names = new List<ProfileName>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "*.json"))
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            if (ProfileName.TryCreate(stem, out var name) && name.Value == stem)
            {
                names.Add(name);
            }
        }

        names.Sort();
        return names;
    }
}
