using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Profiles.Internal;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Keeps agent profiles as one secret-free JSON file per profile (<c>&lt;name&gt;.json</c>), in the Python SDK 1.43 format
/// and folder (<c>&lt;persistence&gt;/agent-profiles</c>), so both SDKs share one folder.
/// </summary>
/// <remarks>
/// <para>
/// Writes take the inter-process lock <c>.agent-profiles.lock</c> (the Python SDK's) and replace files atomically; reads
/// take no lock. A file is never rewritten on read: a version 1 profile is written as version 2 on its next save.
/// Nothing here is encrypted: an agent profile holds no secret (its LLM is an <see cref="AgentProfile.LlmProfileRef"/>).
/// </para>
/// <para>Instances are thread-safe; any number of instances and processes may share a folder.</para>
/// </remarks>
public sealed partial class AgentProfileStore : IAgentProfileStore
{
    /// <summary>The lock file name, shared with the Python SDK.</summary>
    public const string LockFileName = ".agent-profiles.lock";

    /// <summary>The folder name under the persistence folder, shared with the Python agent server.</summary>
    public const string FolderName = "agent-profiles";

    private readonly string _lockPath;
    private readonly TimeSpan _lockTimeout;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="AgentProfileStore"/> class and creates its folder.</summary>
    /// <param name="directory">The folder of the profile files, such as <c>~/.openhands/agent-profiles</c>.</param>
    /// <param name="lockTimeout">How long a write waits for the lock before <see cref="StoreBusyException"/>; 30 seconds by default.</param>
    /// <param name="loggerFactory">Receives log messages; none by default.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public AgentProfileStore(string directory, TimeSpan? lockTimeout = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _lockPath = Path.Combine(Directory, LockFileName);
        _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        _logger = loggerFactory?.CreateLogger<AgentProfileStore>() ?? NullLogger<AgentProfileStore>.Instance;
        AtomicFile.EnsureDirectory(Directory);
    }

    /// <summary>Gets the folder that holds the profile files.</summary>
    public string Directory { get; }

    /// <summary>Lists every readable profile, sorted by name; unreadable or invalid files are skipped (and logged).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profiles.</returns>
    public async Task<IReadOnlyList<AgentProfile>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<AgentProfile>();
        foreach (var name in Names())
        {
            try
            {
                if (await TryLoadAsync(name, cancellationToken).ConfigureAwait(false) is { } profile)
                {
                    result.Add(profile);
                }
            }
            catch (InvalidProfileException e)
            {
                Log.Skipped(_logger, name.Value, e.Message);
            }
        }

        return result;
    }

    /// <summary>Loads a profile.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile (migrated to schema version 2).</returns>
    /// <exception cref="AgentProfileNotFoundException">No profile has that name.</exception>
    /// <exception cref="InvalidProfileException">The file is corrupt, invalid or of a newer schema version; it was left as it is.</exception>
    public async Task<AgentProfile> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
        await TryLoadAsync(name, cancellationToken).ConfigureAwait(false) ?? throw AgentProfileNotFoundException.ForName(name);

    /// <summary>Loads a profile, or returns <see langword="null"/> when none has that name.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidProfileException">The file is corrupt, invalid or of a newer schema version.</exception>
    public async Task<AgentProfile?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return AgentProfileCodec.Read(bytes, name, path);
    }

    /// <summary>Finds the profile with an id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile, or <see langword="null"/> when no readable profile has that id.</returns>
    public async Task<AgentProfile?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.Id == id);

    /// <summary>
    /// Saves a profile under its name. Over a readable namesake the namesake's id is kept and its revision is bumped by
    /// one; a new profile gets a fresh id and revision 0, whatever <paramref name="profile"/> says (both are server-owned).
    /// </summary>
    /// <param name="profile">The profile.</param>
    /// <param name="maxProfiles">The most profiles the folder may hold (an overwrite is always allowed); <see langword="null"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile as stored (its id and revision).</returns>
    /// <exception cref="ProfileLimitExceededException">The profile is new and the folder is full.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public async Task<AgentProfile> SaveAsync(AgentProfile profile, int? maxProfiles = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            AgentProfile? existing = null;
            try
            {
                existing = await TryLoadAsync(profile.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidProfileException)
            {
                // an unreadable namesake is replaced by a new profile (new id), as the Python store does
            }

            if (existing is null && File.Exists(PathOf(profile.Name)) is false && maxProfiles is { } limit && Names().Count >= limit)
            {
                throw new ProfileLimitExceededException(profile.Name, limit);
            }

            var stored = existing is null
                ? profile.With(id: Guid.NewGuid(), revision: 0)
                : profile.With(id: existing.Id, revision: existing.Revision + 1);
            WriteUnlocked(stored);
            Log.Saved(_logger, stored.Name.Value, stored.Revision);
            return stored;
        }
    }

    /// <summary>Deletes a profile; deleting a missing profile does nothing.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The id of the deleted profile, or <see langword="null"/> when there was none (or its file could not be read).</returns>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public async Task<Guid?> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            Guid? id = null;
            try
            {
                id = (await TryLoadAsync(name, cancellationToken).ConfigureAwait(false))?.Id;
            }
            catch (InvalidProfileException)
            {
                // a corrupt file is deleted all the same; it has no id to report
            }

            File.Delete(PathOf(name));
            return id;
        }
    }

    /// <summary>Renames a profile; its id, revision and content are kept.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The renamed profile.</returns>
    /// <exception cref="AgentProfileNotFoundException"><paramref name="name"/> does not exist.</exception>
    /// <exception cref="AgentProfileAlreadyExistsException"><paramref name="newName"/> is taken; nothing changed.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public async Task<AgentProfile> RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default)
    {
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var profile = await LoadAsync(name, cancellationToken).ConfigureAwait(false);
            if (name == newName)
            {
                return profile;
            }

            if (File.Exists(PathOf(newName)))
            {
                throw new AgentProfileAlreadyExistsException($"Agent profile '{newName}' already exists");
            }

            var renamed = profile.With(name: newName);
            WriteUnlocked(renamed);
            File.Delete(PathOf(name));
            return renamed;
        }
    }

    /// <inheritdoc/>
    /// <remarks>A record is any <c>*.json</c> file in the folder.</remarks>
    public Task<bool> HasAnyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(System.IO.Directory.Exists(Directory) && System.IO.Directory.EnumerateFiles(Directory, "*.json").Any());

    /// <inheritdoc/>
    /// <remarks>The lock is the file <see cref="LockFileName"/>, the Python SDK's.</remarks>
    public async Task<T> WithLockAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            return await action().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task WriteLockedAsync(AgentProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        WriteUnlocked(profile);
        return Task.CompletedTask;
    }

    /// <summary>Writes a profile; the caller holds the lock.</summary>
    private void WriteUnlocked(AgentProfile profile) => AtomicFile.Write(PathOf(profile.Name), AgentProfileCodec.ToBytes(profile), flushToDisk: true);

    private string PathOf(ProfileName name) => Path.Combine(Directory, name.FileName);

    private List<ProfileName> Names()
    {
        var names = new List<ProfileName>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
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

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Saved agent profile {Name} (revision {Revision})")]
        public static partial void Saved(ILogger logger, string name, int revision);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped agent profile {Name}: {Problem}")]
        public static partial void Skipped(ILogger logger, string name, string problem);
    }
}
