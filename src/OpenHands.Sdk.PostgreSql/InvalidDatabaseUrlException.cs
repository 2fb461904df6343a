namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// The configured database (<c>OH_DATABASE_URL</c> or <c>ConnectionStrings:OpenHands</c>) is neither a PostgreSQL URL nor
/// an Npgsql connection string. The message names the setting and the problem, never the value (it may hold a password).
/// </summary>
public sealed class InvalidDatabaseUrlException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidDatabaseUrlException"/> class.</summary>
    public InvalidDatabaseUrlException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDatabaseUrlException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidDatabaseUrlException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDatabaseUrlException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidDatabaseUrlException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDatabaseUrlException"/> class for one setting.</summary>
    /// <param name="setting">The setting that holds the value, such as <c>OH_DATABASE_URL</c>.</param>
    /// <param name="problem">What is wrong, without the value.</param>
    /// <param name="innerException">The cause, if any (its message never holds the value either).</param>
    public InvalidDatabaseUrlException(string setting, string problem, Exception? innerException)
        : base($"{setting} is not a valid PostgreSQL database: {problem}. Use postgres://user:password@host:port/database "
               + "(or postgresql://), or an Npgsql connection string such as Host=db;Port=5432;Username=app;Password=...;Database=openhands.", innerException)
    {
        Setting = setting;
    }

    /// <summary>Gets the setting that holds the bad value.</summary>
    public string? Setting { get; }
}
