namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// The database's schema is newer than this version of OpenHands.Sdk.PostgreSql knows: a newer instance migrated it.
/// Nothing was changed; upgrade this instance (or point it at another database).
/// </summary>
public sealed class UnsupportedSchemaVersionException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="UnsupportedSchemaVersionException"/> class.</summary>
    public UnsupportedSchemaVersionException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedSchemaVersionException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public UnsupportedSchemaVersionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedSchemaVersionException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnsupportedSchemaVersionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedSchemaVersionException"/> class for two versions.</summary>
    /// <param name="found">The version recorded in the database's <c>schema_version</c> table.</param>
    /// <param name="supported">The newest version this package applies.</param>
    public UnsupportedSchemaVersionException(int found, int supported)
        : base($"The database schema is at version {found}, newer than version {supported} that this OpenHands.Sdk.PostgreSql supports. "
               + "Upgrade this instance to the version that migrated the database; nothing was changed.")
    {
        Found = found;
        Supported = supported;
    }

    /// <summary>Gets the version found in the database.</summary>
    public int Found { get; }

    /// <summary>Gets the newest version this package supports.</summary>
    public int Supported { get; }
}
