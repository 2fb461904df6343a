using System.Collections.Concurrent;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Profiles.Internal;

/// <summary>A file's stamp when it was summarized, and its summary (<see langword="null"/>: skipped as unreadable).</summary>
internal sealed record CachedSummary(FileStamp Stamp, LlmProfileSummary? Summary);

/// <summary>A file's stamp when it was loaded, and the profile decoded from it (an <see cref="Llm"/> is immutable).</summary>
internal sealed record CachedProfile(FileStamp Stamp, Llm Llm);

/// <summary>
/// The profile names of the folder while its stamp is <see cref="Folder"/>, their cached summaries, and the profiles
/// loaded from its files.
/// </summary>
internal sealed class SummaryCache(FileStamp folder, List<ProfileName> names)
{
    /// <summary>
    /// How long a listing whose every file matched its stamp is served again without a stat per file (the folder is
    /// still checked every time, so a save, rename or delete by anyone shows at once; only an in-place edit of a file
    /// by another process can take this long to show).
    /// </summary>
    public static readonly TimeSpan FileRecheckInterval = TimeSpan.FromSeconds(1);

    public FileStamp Folder { get; } = folder;

    public IReadOnlyList<ProfileName> Names { get; } = names;

    public ConcurrentDictionary<ProfileName, CachedSummary> Entries { get; } = new();

    /// <summary>The profiles loaded (read and decrypted) from files whose stamps were settled then.</summary>
    public ConcurrentDictionary<ProfileName, CachedProfile> Loaded { get; } = new();

    /// <summary>The last listing in which every file matched its cached stamp, and when it was checked.</summary>
    public CachedListing? Listing { get => Volatile.Read(ref _listing); set => Volatile.Write(ref _listing, value); }

    private CachedListing? _listing;

    private int _readFromDisk;

    private int _changed;

    /// <summary>Notes that an entry was added since the last <see cref="TakeChanged"/> (a file was read and its stamp settled).</summary>
    public void MarkChanged() => Volatile.Write(ref _changed, 1);

    /// <summary>Whether an entry was added since the last call (so the file on disk lacks it); clears the mark.</summary>
    public bool TakeChanged() => Interlocked.Exchange(ref _changed, 0) != 0;

    /// <summary>
    /// Adds the entries of the folder's <see cref="SummaryCacheFile"/> if it was made while the folder's stamp was
    /// <see cref="Folder"/>; only the first call reads it. An entry already here (read by this process) is kept.
    /// </summary>
    public void AddEntriesFromDisk(string directory)
    {
        if (Interlocked.Exchange(ref _readFromDisk, 1) != 0 || SummaryCacheFile.TryRead(directory, Folder) is not { } entries)
        {
            return;
        }

        foreach (var (name, entry) in entries)
        {
            Entries.TryAdd(name, entry);
        }
    }

    /// <summary>Writes this cache's entries for its <see cref="Names"/> to the folder's <see cref="SummaryCacheFile"/>.</summary>
    /// <returns>Whether the file was written (see <see cref="SummaryCacheFile.Write"/>).</returns>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable by this user.</exception>
    public bool WriteToDisk(string directory)
    {
        var entries = new List<KeyValuePair<ProfileName, CachedSummary>>(Names.Count);
        foreach (var name in Names)
        {
            if (Entries.TryGetValue(name, out var entry))
            {
                entries.Add(new(name, entry));
            }
        }

        return SummaryCacheFile.Write(directory, Folder, entries);
    }

    /// <summary>
    /// The cache in <paramref name="slot"/> if it still describes <paramref name="directory"/> as it is now, a new one
    /// if the folder changed, or <see langword="null"/> when its last change is too recent to trust. Any entry added,
    /// removed or renamed in the folder changes its last write time, so a new cache (with the names listed after the
    /// folder's stamp was taken) replaces the old one; a rename can thus never pass one profile's cached summary off as
    /// another's.
    /// </summary>
    public static SummaryCache? Current(ref SummaryCache? slot, string directory, DateTime now, Func<List<ProfileName>> listNames)
    {
        if (FileStamp.Of(new DirectoryInfo(directory)) is not { } folder || !folder.IsSettled(now))
        {
            Volatile.Write(ref slot, null);
            return null;
        }

        if (Volatile.Read(ref slot) is { } cache && cache.Folder == folder)
        {
            return cache;
        }

        cache = new SummaryCache(folder, listNames());
        Volatile.Write(ref slot, cache);
        return cache;
    }
}

/// <summary>A whole listing, and the time its files' stamps were last checked.</summary>
internal sealed record CachedListing(LlmProfileSummary[] Summaries, DateTime ValidatedAtUtc);
