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

    /// <summary>Linux EINTR.</summary>
    public const int Interrupted = 4;

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Flock(int fileDescriptor, int operation);

    /// <summary><c>open(2)</c>: the only way to give a new file its mode at creation without .NET's advisory lock.</summary>
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    /// <summary><c>umask(2)</c>; tests use it to show that a file's mode does not depend on the process umask.</summary>
    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Umask(int mask);

    /// <summary>The <c>open(2)</c> flags for a new private file: <c>O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC</c>.</summary>
    public static int CreateExclusiveFlags => OperatingSystem.IsLinux()
        ? 0x1 | 0x40 | 0x80 | 0x80000          // Linux (x64 and arm64 share these values)
        : 0x1 | 0x200 | 0x800 | 0x1000000;     // macOS / BSD
}
