using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace OpenHands.Sdk.Internal;

/// <summary>Writes whole files so that readers see the old content or the new, never a torn or empty file.</summary>
/// <remarks>
/// The bytes go to a uniquely named temp file in the target's folder, are flushed to disk (when asked), and the temp
/// file is renamed over the target: rename within one folder is atomic on every supported file system. A failed write
/// deletes its temp file. On Unix the temp file is created by <c>open(2)</c> with mode 0600, so it is private from its
/// first byte whatever the umask (a key in a shared folder is never readable by another user, not even for a moment),
/// and no lock is taken on it: its name is unique. The only lock of a write is the store's own lock file
/// (<see cref="FileLock"/>), taken by the caller. A process killed between the create and the rename leaves its temp
/// file behind; <see cref="RemoveLeftovers"/> removes such files once they are older than <see cref="LeftoverGracePeriod"/>.
/// </remarks>
internal static partial class AtomicFile
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// How long a temp file is left alone: a live write (of this or another process, C# or Python) renames its temp file
    /// within moments, so one untouched for this long belongs to a write that will never finish.
    /// </summary>
    public static readonly TimeSpan LeftoverGracePeriod = TimeSpan.FromMinutes(2);

    public static void Write(string path, ReadOnlySpan<byte> bytes, bool flushToDisk)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $"tmp{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            using (var handle = CreatePrivate(temp))
            {
                RandomAccess.Write(handle, bytes, fileOffset: 0);
                if (flushToDisk)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            ReplaceWith(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="source"/> to <paramref name="path"/> the same way: a temp file in its folder, renamed over it.</summary>
    /// <returns>How many bytes were written.</returns>
    public static async Task<long> WriteAsync(string path, Stream source, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $"tmp{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            long length;
            using (var handle = CreatePrivate(temp))
            {
                await using var target = new FileStream(handle, FileAccess.Write);
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                length = target.Length;
            }

            ReplaceWith(temp, path);
            return length;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Creates a new file that only its owner can read and write (on Unix: <c>open(2)</c> with
    /// <c>O_CREAT | O_EXCL</c> and mode 0600, no advisory lock), open for writing.
    /// </summary>
    /// <exception cref="IOException">The file exists or cannot be created.</exception>
    internal static SafeFileHandle CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, FileOptions.None);
        }

        while (true)
        {
            var fd = NativeMethods.Open(path, NativeMethods.CreateExclusiveFlags, (int)PrivateFile);
            if (fd >= 0)
            {
                return new SafeFileHandle(fd, ownsHandle: true);
            }

            var error = Marshal.GetLastPInvokeError();
            if (error != NativeMethods.Interrupted)
            {
                throw new IOException($"Cannot create '{path}': {Marshal.GetPInvokeErrorMessage(error)}.", error);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> when it does not exist, and every missing parent, each with mode 0700 on Unix
    /// (a parent created with the default mode would leave the tree readable by other users).
    /// </summary>
    /// <remarks>
    /// On Unix it asks <c>mkdir(2)</c> first: a new folder whose parent exists (a conversation's, a workspace) costs one
    /// call, an existing folder two (the refused <c>mkdir</c> and the check that the path is a folder).
    /// </remarks>
    /// <exception cref="IOException">The path, or one of its parents, exists and is not a folder, or cannot be created.</exception>
    public static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (TryMakeDirectory(full))
        {
            return;
        }

        if (Path.GetDirectoryName(full) is { } parent)
        {
            EnsureDirectory(parent);
        }

        if (!TryMakeDirectory(full))
        {
            throw new IOException($"Cannot create the folder '{full}': a folder of its path was removed while it was created.");
        }
    }

    /// <summary><c>mkdir(2)</c> with mode 0700: true when the folder is there now, false when its parent is missing.</summary>
    private static bool TryMakeDirectory(string full)
    {
        while (NativeMethods.MkDir(full, (int)PrivateDirectory) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            switch (error)
            {
                case NativeMethods.Interrupted:
                    continue;
                case NativeMethods.NoSuchEntry:
                    return false;
                case NativeMethods.AlreadyExists when Directory.Exists(full):
                    return true;
                case NativeMethods.AlreadyExists:
                    throw new IOException($"Cannot create the folder '{full}': a file of that name is in the way.", error);
                default:
                    throw new IOException($"Cannot create the folder '{full}': {Marshal.GetPInvokeErrorMessage(error)}.", error);
            }
        }

        return true;
    }

    /// <summary>Renames <paramref name="temp"/> over <paramref name="path"/> (on Unix one <c>rename(2)</c>, atomic within a folder).</summary>
    private static void ReplaceWith(string temp, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(temp, path, overwrite: true);
            return;
        }

        while (NativeMethods.Rename(temp, path) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != NativeMethods.Interrupted)
            {
                throw new IOException($"Cannot replace '{path}': {Marshal.GetPInvokeErrorMessage(error)}.", error);
            }
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is a temp file name of an atomic write (<c>tmp&lt;random&gt;.tmp</c>, this SDK's or Python's).</summary>
    public static bool IsTempFile(string fileName) => TempFileName().IsMatch(fileName);

    /// <summary>
    /// Removes the temp files that crashed writes left in <paramref name="directory"/> (not in its sub-folders): only
    /// files named like a temp file whose last write is at least <see cref="LeftoverGracePeriod"/> before
    /// <paramref name="now"/>, so the temp file of a write in progress (in any process) is never touched. A file that
    /// cannot be removed is left as it is.
    /// </summary>
    /// <returns>How many files were removed.</returns>
    public static int RemoveLeftovers(string directory, DateTimeOffset now)
    {
        var removed = 0;
        try
        {
            foreach (var path in Directory.EnumerateFiles(directory, "tmp*.tmp"))
            {
                if (TryRemoveLeftover(path, now))
                {
                    removed++;
                }
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // A folder that is gone or unreadable holds nothing to remove.
        }

        return removed;
    }

    /// <summary>Removes <paramref name="path"/> when it is a temp file older than the grace period (see <see cref="RemoveLeftovers"/>).</summary>
    /// <returns>Whether the file was removed.</returns>
    public static bool TryRemoveLeftover(string path, DateTimeOffset now)
    {
        if (!IsTempFile(Path.GetFileName(path)))
        {
            return false;
        }

        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || now - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero) < LeftoverGracePeriod)
            {
                return false;
            }

            file.Delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temp file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex("^tmp[0-9A-Za-z_]{6,32}\\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TempFileName();
}
