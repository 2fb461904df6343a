using System.Runtime.InteropServices;

namespace OpenHands.Sdk.Internal;

/// <summary>The few libc calls the SDK makes itself (Unix only).</summary>
internal static class NativeMethods
{
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;

    /// <summary>Linux EAGAIN/EWOULDBLOCK.</summary>
    public const int WouldBlockLinux = 11;

    /// <summary>macOS/BSD EWOULDBLOCK.</summary>
    public const int WouldBlockBsd = 35;

    /// <summary>EINTR (Linux and macOS).</summary>
    public const int Interrupted = 4;

    /// <summary>ENOENT (Linux and macOS): a folder of the path does not exist.</summary>
    public const int NoSuchEntry = 2;

    /// <summary>EEXIST (Linux and macOS).</summary>
    public const int AlreadyExists = 17;

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Flock(int fileDescriptor, int operation);

    /// <summary><c>open(2)</c>: the only way to give a new file its mode at creation without .NET's advisory lock.</summary>
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    /// <summary><c>mkdir(2)</c>: one call for a new folder, where <see cref="Directory.CreateDirectory(string, UnixFileMode)"/> behind an existence check takes three.</summary>
    [DllImport("libc", EntryPoint = "mkdir", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int MkDir([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    /// <summary><c>rename(2)</c>: replaces the target in one call, where <see cref="File.Move(string, string, bool)"/> first inspects both paths.</summary>
    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string source, [MarshalAs(UnmanagedType.LPUTF8Str)] string target);

    /// <summary><c>umask(2)</c>; tests use it to show that a file's mode does not depend on the process umask.</summary>
    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Umask(int mask);

    /// <summary>
    /// <c>realpath(3)</c>: the canonical path of an existing <paramref name="path"/>, every symbolic link and <c>..</c>
    /// resolved, or <see langword="null"/> when it cannot be resolved (missing, a dangling link, a loop, no access).
    /// </summary>
    public static string? RealPath(string path)
    {
        var buffer = new byte[4097];   // PATH_MAX + NUL on Linux and macOS
        if (RealPathNative(path, buffer) == IntPtr.Zero)
        {
            return null;
        }

        var length = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
    }

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] resolved);

    /// <summary>The <c>open(2)</c> flags for a new private file: <c>O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC</c>.</summary>
    public static int CreateExclusiveFlags => OperatingSystem.IsLinux()
        ? 0x1 | 0x40 | 0x80 | 0x80000          // Linux (x64 and arm64 share these values)
        : 0x1 | 0x200 | 0x800 | 0x1000000;     // macOS / BSD
}
