using OpenHands.Sdk.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// Keeps conversations in a folder, in the Python SDK's layout: <c>&lt;folder&gt;/&lt;id-hex&gt;/base_state.json</c>,
/// <c>events/event-NNNNN-&lt;id&gt;.json</c> (one file per event, each written once) and the agent server's
/// <c>meta.json</c>. Every file is written atomically (a temp file renamed over it), with mode 0600 in folders of mode 0700 on Unix.
/// </summary>
/// <remarks>
/// <para>
/// Reading never fails on a damaged file: a missing or unreadable <c>base_state.json</c>, an unreadable event file, two
/// files with one index and a gap in the indices are each named in <see cref="ConversationRecord.Damage"/>, and every
/// readable event is kept, also after a gap. Reading removes the temp files crashed writes left in the conversation's
/// folders (only those untouched for two minutes, so a live write of another process is never touched), nothing else.
/// </para>
/// <para>Instances are thread-safe; one conversation is written by its owner only.</para>
/// </remarks>
public sealed class FileConversationStore : IConversationStore
{
    /// <summary>The state document's file name in a conversation's folder.</summary>
    public const string StateFileName = "base_state.json";

    /// <summary>The metadata document's file name in a conversation's folder (the agent server's record).</summary>
    public const string MetadataFileName = "meta.json";

    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="FileConversationStore"/> class; nothing is created yet.</summary>
    /// <param name="directory">The folder that holds one folder per conversation.</param>
    /// <param name="timeProvider">The clock that dates crash leftovers; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is blank.</exception>
    public FileConversationStore(string directory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the full path of the folder that holds one folder per conversation.</summary>
    public string Directory { get; }

    /// <summary>The folder of conversation <paramref name="id"/>.</summary>
    /// <param name="id">The conversation's id.</param>
    /// <returns>The full path (it may not exist).</returns>
    public string FolderFor(Guid id) => FolderFor(Directory, id);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<Guid>();
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Guid.TryParseExact(Path.GetFileName(folder), "N", out var id) && Exists(Directory, id))
                {
                    ids.Add(id);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<Guid>>(ids);
    }

    /// <inheritdoc/>
    /// <remarks>One entry per listed conversation; reads every <c>meta.json</c>.</remarks>
    public async Task<IReadOnlyList<ConversationMetadataRecord>> ListMetadataAsync(CancellationToken cancellationToken = default)
    {
        var records = new List<ConversationMetadataRecord>();
        foreach (var id in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(await ReadMetadataAsync(id, cancellationToken).ConfigureAwait(false));
        }

        return records;
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(Exists(Directory, id));

    /// <inheritdoc/>
    public async Task<ConversationRecord> ReadAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var directory = FolderFor(id);
        if (!Exists(Directory, id))
        {
            throw new InvalidConversationException($"Conversation {id} was not found in '{Directory}'.");
        }

        var now = _time.GetUtcNow();
        AtomicFile.RemoveLeftovers(directory, now);
        var (state, stateDamage) = await ReadStateAsync(directory, cancellationToken).ConfigureAwait(false);
        var (events, damage) = EventLog.ReadFolder(Path.Combine(directory, EventLog.FolderName), now);
        if (stateDamage is not null)
        {
            damage.Insert(0, stateDamage);
        }

        return new ConversationRecord(id, directory, state, events, damage);
    }

    /// <inheritdoc/>
    /// <remarks>One read of <c>base_state.json</c>; nothing is written or removed.</remarks>
    public async Task<ConversationRecord> ReadStateAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var directory = FolderFor(id);
        if (!Exists(Directory, id))
        {
            throw new InvalidConversationException($"Conversation {id} was not found in '{Directory}'.");
        }

        var (state, damage) = await ReadStateAsync(directory, cancellationToken).ConfigureAwait(false);
        return new ConversationRecord(id, directory, state, [], damage is null ? [] : [damage]);
    }

    /// <inheritdoc/>
    public IConversationWriter OpenWriter(Guid id)
    {
        var directory = FolderFor(id);
        return new FileConversationWriter(directory, Path.Combine(directory, EventLog.FolderName));
    }

    /// <inheritdoc/>
    /// <remarks>The creation time is that of <c>base_state.json</c> (else of the folder).</remarks>
    public async Task<ConversationMetadataRecord> ReadMetadataAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var directory = FolderFor(id);
        var state = Path.Combine(directory, StateFileName);
        var createdAt = new DateTimeOffset(File.GetCreationTimeUtc(File.Exists(state) ? state : directory), TimeSpan.Zero);
        try
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, MetadataFileName), cancellationToken).ConfigureAwait(false);
            return new ConversationMetadataRecord(id, bytes, null, createdAt);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ConversationMetadataRecord(id, null, null, createdAt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConversationMetadataRecord(
                id, null, new ConversationFileDamage(MetadataFileName, ConversationFileDamageKind.Unreadable, "cannot be read: " + e.Message), createdAt);
        }
    }

    /// <inheritdoc/>
    /// <remarks>With <paramref name="replacesDamaged"/>, the damaged file is first kept as <c>meta.json.bak</c> (or <c>.2.bak</c>, …), so replacing it loses nothing.</remarks>
    public void WriteMetadata(Guid id, ReadOnlySpan<byte> document, bool replacesDamaged)
    {
        var directory = FolderFor(id);
        var path = Path.Combine(directory, MetadataFileName);
        if (replacesDamaged && File.Exists(path))
        {
            BackupFile.Create(path, File.ReadAllBytes(path));
        }

        AtomicFile.EnsureDirectory(directory);
        AtomicFile.Write(path, document, flushToDisk: false);
    }

    /// <inheritdoc/>
    /// <remarks>Removes the conversation's folder; its workspace is elsewhere and stays.</remarks>
    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var directory = FolderFor(id);
        if (!System.IO.Directory.Exists(directory))
        {
            return Task.FromResult(false);
        }

        System.IO.Directory.Delete(directory, recursive: true);
        return Task.FromResult(true);
    }

    /// <summary>
    /// Removes the temp files crashed writes left in the folder and in every conversation's folders: only files named
    /// like one and untouched for two minutes before <paramref name="now"/>, so a live write of another process is never touched.
    /// </summary>
    /// <param name="now">The time the files' ages are measured against.</param>
    /// <returns>How many files were removed.</returns>
    public int RemoveLeftovers(DateTimeOffset now)
    {
        var removed = AtomicFile.RemoveLeftovers(Directory, now);
        if (!System.IO.Directory.Exists(Directory))
        {
            return removed;
        }

        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            if (Guid.TryParseExact(Path.GetFileName(folder), "N", out _))
            {
                removed += AtomicFile.RemoveLeftovers(folder, now);
                removed += AtomicFile.RemoveLeftovers(Path.Combine(folder, EventLog.FolderName), now);
            }
        }

        return removed;
    }

    /// <summary>The folder of conversation <paramref name="id"/> under <paramref name="root"/>.</summary>
    internal static string FolderFor(string root, Guid id) => Path.Combine(Path.GetFullPath(root), id.ToString("N"));

    /// <summary>Whether conversation <paramref name="id"/> is stored under <paramref name="root"/>: its state file, or at least one event file, is there.</summary>
    internal static bool Exists(string root, Guid id)
    {
        var folder = FolderFor(root, id);
        return File.Exists(Path.Combine(folder, StateFileName)) || EventLog.HasEventFiles(Path.Combine(folder, EventLog.FolderName));
    }

    private static async Task<(byte[]? State, ConversationFileDamage? Damage)> ReadStateAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllBytesAsync(Path.Combine(directory, StateFileName), cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Missing, "the state file is missing; the events are kept"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Unreadable, "cannot be read: " + ex.Message));
        }
    }
}
