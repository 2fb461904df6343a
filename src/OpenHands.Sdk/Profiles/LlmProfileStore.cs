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
public sealed class LlmProfileStore : ILlmProfileStore
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

    /// <summary>Initializes a new instance of the <see cref="LlmProfileStore"/> class and creates its folder.</summary>
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
    /// <remarks>
    /// While the folder is unchanged, a file whose size and times are unchanged since it was last summarized is not
    /// read again, provided its last write time (and the folder's) was already more than a few seconds old then, so
    /// that no later write can leave them equal. Every other file is read and decoded: writes (which replace the file
    /// by rename), renames and deletions by other instances and processes show in the next listing. The files' own
    /// stamps are checked at most once a second while the folder is unchanged, so an in-place edit of a profile file
    /// by another program shows within a second.
    /// </remarks>
    public async Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default)
    {
        // Taken before any metadata: a stamp must be older than this by the racy window to be trusted.
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var cache = CurrentSummaryCache(now);
        if (cache?.Listing is { } listing && now - listing.ValidatedAtUtc < SummaryCache.FileRecheckInterval)
        {
            return listing.Summaries;
        }

        // Each file is summarized on its own, so many of them are read and decoded in parallel (one worker per core);
        // the listing keeps the names' order.
        var names = cache?.Names ?? ListNames();
        var results = new (LlmProfileSummary? Summary, bool FromCache)[names.Count];
        if (names.Count < ParallelListingThreshold || Environment.ProcessorCount < 2)
        {
            for (var i = 0; i < names.Count; i++)
            {
                results[i] = await SummarizeAsync(names[i], cache, now, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
            await Parallel.ForAsync(0, names.Count, parallel,
                async (i, ct) => results[i] = await SummarizeAsync(names[i], cache, now, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        var summaries = new List<LlmProfileSummary>(names.Count);
        var allCached = cache is not null;
        foreach (var (summary, fromCache) in results)
        {
            allCached &= fromCache;
            if (summary is not null)
            {
                summaries.Add(summary);
            }
        }

        if (allCached)
        {
            // Every file matched its settled stamp: the whole listing may be served again, without a stat per file,
            // until the folder changes or the recheck interval has passed.
            var snapshot = summaries.ToArray();
            cache!.Listing = new CachedListing(snapshot, now);
            return snapshot;
        }

        return summaries;
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

    /// <summary>A profile file's summary, or <see langword="null"/> (logged) when the file is not a readable profile.</summary>
    /// <remarks>Nothing is decrypted: a file whose key the configured cipher does not fit is listed, so the user can see and fix it.</remarks>
    /// <summary>Below this many profiles a listing reads them one after the other (starting workers would cost more).</summary>
    private const int ParallelListingThreshold = 32;

    /// <summary>One file of a listing: its cached summary if its stamp is unchanged, else read and decoded (null: gone or damaged).</summary>
    private async ValueTask<(LlmProfileSummary? Summary, bool FromCache)> SummarizeAsync(ProfileName name, SummaryCache? cache, DateTime now, CancellationToken cancellationToken)
    {
        var path = GetPath(name);
        if (FileStamp.Of(new FileInfo(path)) is not { } stamp)
        {
            return (null, true); // deleted since the listing
        }

        if (cache is not null && cache.Entries.TryGetValue(name, out var cached) && cached.Stamp == stamp)
        {
            return (cached.Summary, true);
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return (null, false); // deleted since the listing
        }

        var summary = Summarize(name, path, bytes);
        if (cache is not null)
        {
            if (stamp.IsSettled(now))
            {
                cache.Entries[name] = new CachedSummary(stamp, summary);
            }
            else
            {
                cache.Entries.TryRemove(name, out _);
            }
        }

        return (summary, false);
    }

    private LlmProfileSummary? Summarize(ProfileName name, string path, byte[] bytes)
    {
        try
        {
            var (model, baseUrl, providerConnectionId, apiKeySet) = LlmJsonCodec.ReadSummary(bytes);
            return new LlmProfileSummary(name, model, baseUrl, providerConnectionId, apiKeySet);
        }
        catch (LlmFormatException ex)
        {
            _logger.ProfileSkipped(path, ex.Message);
            return null;
        }
    }

    private SummaryCache? CurrentSummaryCache(DateTime now) => SummaryCache.Current(ref _summaryCache, _directory, now, ListNames);

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
