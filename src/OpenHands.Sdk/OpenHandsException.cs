namespace OpenHands.Sdk;

/// <summary>
/// Base type of the failures that callers of OpenHands.Sdk are expected to handle
/// (missing profiles, corrupt files, a busy store, undecryptable secrets).
/// </summary>
/// <remarks>
/// Misuse of the API (a <see langword="null"/> argument, an invalid name) throws the BCL
/// <see cref="ArgumentException"/> family instead. Messages never contain secret values.
/// </remarks>
public class OpenHandsException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="OpenHandsException"/> class.</summary>
    public OpenHandsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenHandsException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public OpenHandsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenHandsException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public OpenHandsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
