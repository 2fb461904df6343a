using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace OpenHands.Sdk.Internal;

/// <summary>Writes whole files so that readers see the old content or the new, never a torn or empty file.</summary>
/// <remarks>
/// The bytes go to a uniquely named temp file in the target's folder, are flushed to disk (when asked), and the temp
/// file is renamed over the target: rename within one folder is atomic on every supported file system. A failed write
/// deletes its temp file. On Unix the temp file is created by <c>open(2)</c> with mode 0600, so it is private from its
/// first byte whatever the umask (a key in a shared folder is never readable by another user, not even for a moment),
/// and no lock is taken on it: its name is unique. The only lock of a write is the store's own lock file
/// (<see cref="FileLock"/>), taken by the caller.
/// </remarks>
internal static class AtomicFile
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

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

            File.Move(temp, path, overwrite: true);
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

    /// <summary>Creates <paramref name="directory"/> (and parents) with mode 0700 on Unix when it does not exist.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, PrivateDirectory);
        }
    }

    public static bool IsTempFile(string fileName) =>
        fileName.StartsWith("tmp", StringComparison.Ordinal) && fileName.EndsWith(".tmp", StringComparison.Ordinal);

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
}
