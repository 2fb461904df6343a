using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenHands.Sdk.Internal;

/// <summary>
/// An exclusive advisory lock on a lock file, shared by threads and processes, C# and Python alike.
/// </summary>
/// <remarks>
/// On Unix, opening a file with <see cref="FileShare.None"/> makes .NET take <c>flock(LOCK_EX | LOCK_NB)</c> on it,
/// the same kind of lock the Python SDK's <c>filelock</c> takes on the same file, so writers of both SDKs exclude
/// each other. Threads of one process first queue on an in-process gate, so they do not spin on the file.
/// The lock file itself is never deleted: deleting it would let two holders lock different inodes.
/// On Unix the SDK also calls <c>flock</c> itself, so the lock holds even where .NET's own file locking is switched
/// off (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>).
/// </remarks>
internal sealed class FileLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private static readonly FileStreamOptions LockOptions = OperatingSystem.IsWindows()
        ? new() { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None }
        : new() { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = AtomicFile.PrivateFile };

    private readonly FileStream _stream;
    private readonly SemaphoreSlim _gate;
    private int _disposed;

    private FileLock(FileStream stream, SemaphoreSlim gate)
    {
        _stream = stream;
        _gate = gate;
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">The lock was not free in time.</exception>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        var gate = Gates.GetOrAdd(fullPath, static _ => new SemaphoreSlim(1, 1));
        var started = Stopwatch.GetTimestamp();
        if (!await gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException();
        }

        try
        {
            var delay = 1;
            while (true)
            {
                try
                {
                    var stream = new FileStream(fullPath, LockOptions);
                    if (TryLockExplicitly(stream))
                    {
                        return new FileLock(stream, gate);
                    }

                    stream.Dispose();
                    throw new IOException("The lock file is locked by another process.");
                }
                catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
                {
                    // Held by another process: wait a little and try again until the time is up.
                    if (Stopwatch.GetElapsedTime(started) >= timeout)
                    {
                        throw new TimeoutException(ex.Message, ex);
                    }

                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = Math.Min(delay * 2, 50);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>Takes <c>flock(LOCK_EX | LOCK_NB)</c> on the open lock file; <see langword="false"/> when another holder has it.</summary>
    private static bool TryLockExplicitly(FileStream stream)
    {
        if (OperatingSystem.IsWindows())
        {
            return true; // FileShare.None is a mandatory lock there
        }

        var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
        if (NativeMethods.Flock(fd, NativeMethods.LockExclusive | NativeMethods.LockNonBlocking) == 0)
        {
            return true;
        }

        var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();

        // Only "held by someone else" means busy; a file system without flock support keeps .NET's own lock.
        return error is not (NativeMethods.WouldBlockLinux or NativeMethods.WouldBlockBsd);
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stream.Dispose();
            _gate.Release();
        }
    }
}
