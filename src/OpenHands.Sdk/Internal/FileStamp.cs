namespace OpenHands.Sdk.Internal;

/// <summary>
/// What a file's (or folder's) metadata says about its content: size, last write time and creation (birth) time. A
/// cache keyed by it may skip reading a file whose stamp has not changed, under the rule of <see cref="IsSettled"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every write through the SDK or the Python SDK replaces the file by rename, which gives it a new last write time (and,
/// where the file system records one, a new creation time); an in-place edit gives it a new last write time. But file
/// systems store times at a coarse granularity (a kernel tick on Linux, up to 2 seconds on FAT), so two writes close
/// together can leave equal stamps. As Git does for its index ("racy" entries), a stamp is only trusted when its last
/// write time is older than <see cref="RacyWindow"/> at the moment it was taken: any later write then stamps a last
/// write time at least that much newer, which differs. A folder's last write time changes whenever an entry is added,
/// removed or renamed in it.
/// </para>
/// <para>
/// Not detected: a tool that sets a file's last write time back on purpose (<c>touch -d</c>, <c>cp -p</c>) to exactly
/// its old value while keeping its size and creation time, and network file systems whose clock runs more than the
/// window behind this machine's or whose client caches metadata (NFS attribute caching delays changes by its timeout).
/// </para>
/// </remarks>
internal readonly record struct FileStamp(long Length, DateTime LastWriteTimeUtc, DateTime CreationTimeUtc)
{
    /// <summary>How much older than the moment it was taken a stamp must be to be trusted.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(3);

    /// <summary>Reads the stamp of a file or folder (a folder's length is 0).</summary>
    /// <param name="entry">A new <see cref="FileInfo"/> or <see cref="DirectoryInfo"/>: its metadata is read on first use.</param>
    /// <returns>The stamp, or <see langword="null"/> when the entry does not exist.</returns>
    public static FileStamp? Of(FileSystemInfo entry) =>
        entry.Exists ? new FileStamp(entry is FileInfo file ? file.Length : 0, entry.LastWriteTimeUtc, entry.CreationTimeUtc) : null;

    /// <summary>
    /// Whether content read after this stamp was taken at <paramref name="takenAtUtc"/> (a wall-clock time, the clock
    /// the file system stamps with) may be reused while the stamp stays equal.
    /// </summary>
    public bool IsSettled(DateTime takenAtUtc) => LastWriteTimeUtc < takenAtUtc - RacyWindow;
}
