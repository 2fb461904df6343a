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

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Flock(int fileDescriptor, int operation);
}
