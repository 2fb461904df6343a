using System.Security.Cryptography;

namespace OpenHands.Sdk.Internal;

/// <summary>Writes whole files so that readers see the old content or the new, never a torn or empty file.</summary>
/// <remarks>
/// The bytes go to a uniquely named temp file in the target's folder (mode 0600 on Unix), are flushed to disk,
/// and the temp file is renamed over the target: rename within one folder is atomic on every supported file system.
/// A failed write deletes its temp file.
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
            // A temp name is unique, so no share lock is needed on it; the handle API skips FileStream's buffer.
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, FileOptions.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(handle, PrivateFile);
                }

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
