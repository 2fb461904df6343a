namespace OpenHands.Sdk;

/// <summary>
/// A conditional write lost a race: the record changed (another writer, another instance) since the caller read the
/// revision it expected. Nothing was written; read the record again and retry with its current revision.
/// </summary>
public class StoreConflictException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class.</summary>
    public StoreConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public StoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StoreConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreConflictException"/> class for one record.</summary>
    /// <param name="record">What was written, such as <c>LLM profile 'fast'</c>.</param>
    /// <param name="expectedRevision">The revision the writer read; <see langword="null"/> when it expected no record.</param>
    /// <param name="actualRevision">The revision stored now; <see langword="null"/> when the record is gone.</param>
    public StoreConflictException(string record, long? expectedRevision, long? actualRevision)
        : base($"{record} was changed by another writer: expected revision {Describe(expectedRevision)}, found {Describe(actualRevision)}. "
               + "Nothing was written; read it again and retry.")
    {
        Record = record;
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    /// <summary>Gets what was written.</summary>
    public string? Record { get; }

    /// <summary>Gets the revision the writer expected (<see langword="null"/>: no record).</summary>
    public long? ExpectedRevision { get; }

    /// <summary>Gets the revision found (<see langword="null"/>: no record).</summary>
    public long? ActualRevision { get; }

    private static string Describe(long? revision) => revision is { } r ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
}
