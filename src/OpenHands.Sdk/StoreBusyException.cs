namespace OpenHands.Sdk;

/// <summary>A store lock (profiles or settings) could not be taken in time: another process or thread holds it. Nothing was changed; retry later.</summary>
public sealed class StoreBusyException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="StoreBusyException"/> class.</summary>
    public StoreBusyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreBusyException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public StoreBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreBusyException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StoreBusyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreBusyException"/> class.</summary>
    /// <param name="lockPath">The lock file.</param>
    /// <param name="timeout">How long the store waited.</param>
    public StoreBusyException(string lockPath, TimeSpan timeout)
        : base($"The store is busy: the lock '{lockPath}' was not released within {timeout.TotalSeconds:0.###} s. Retry, or find the process that holds it.")
    {
        LockPath = lockPath;
        Timeout = timeout;
    }

    /// <summary>Gets the lock file.</summary>
    public string? LockPath { get; }

    /// <summary>Gets how long the store waited.</summary>
    public TimeSpan Timeout { get; }
}
