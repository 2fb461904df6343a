using System.Globalization;
using Npgsql;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// Where the database is configured and how its value is read: <c>OH_DATABASE_URL</c> (a
/// <c>postgres://user:password@host:port/database</c> URL, <c>postgresql://</c> too, or an Npgsql connection string),
/// else <c>ConnectionStrings:OpenHands</c>.
/// </summary>
public static class PostgreSqlConnectionString
{
    /// <summary>The environment variable (and configuration key) that names the database.</summary>
    public const string DatabaseUrlVariable = "OH_DATABASE_URL";

    /// <summary>The name under <c>ConnectionStrings</c> used when <see cref="DatabaseUrlVariable"/> is not set.</summary>
    public const string ConnectionStringName = "OpenHands";

    /// <summary>The configuration key of <see cref="ConnectionStringName"/>.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    private const int DefaultPort = 5432;

    /// <summary>
    /// The database to use: <paramref name="databaseUrl"/> when set, else <paramref name="connectionString"/>, as an Npgsql
    /// connection string; <see langword="null"/> when neither is set (the file stores stay).
    /// </summary>
    /// <param name="databaseUrl">The value of <c>OH_DATABASE_URL</c>, or <see langword="null"/>.</param>
    /// <param name="connectionString">The value of <c>ConnectionStrings:OpenHands</c>, or <see langword="null"/>.</param>
    /// <returns>The Npgsql connection string, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidDatabaseUrlException">The value that applies is not a valid database; the message names its setting.</exception>
    public static string? Resolve(string? databaseUrl, string? connectionString) =>
        !string.IsNullOrWhiteSpace(databaseUrl) ? Parse(databaseUrl, DatabaseUrlVariable)
        : !string.IsNullOrWhiteSpace(connectionString) ? Parse(connectionString, ConnectionStringKey)
        : null;

    /// <summary>Reads a PostgreSQL URL or an Npgsql connection string into an Npgsql connection string.</summary>
    /// <param name="value">The URL (<c>postgres://</c> or <c>postgresql://</c>) or connection string.</param>
    /// <param name="setting">Names the value's setting in error messages.</param>
    /// <returns>The Npgsql connection string.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDatabaseUrlException">The value is not a valid database; the message never holds the value.</exception>
    /// <remarks>
    /// In a URL, the user, password and database are percent-decoded; the port defaults to 5432; query parameters are
    /// Npgsql settings (<c>sslmode=require</c>, <c>Pooling=false</c>). A host in brackets is an IPv6 address.
    /// </remarks>
    public static string Parse(string value, string setting = DatabaseUrlVariable)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(setting);
        var text = value.Trim();
        if (text.Length == 0)
        {
            throw new InvalidDatabaseUrlException(setting, "the value is empty", null);
        }

        var builder = text.Contains("://", StringComparison.Ordinal) ? FromUrl(text, setting) : FromConnectionString(text, setting);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new InvalidDatabaseUrlException(setting, "no host is given", null);
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromConnectionString(string text, string setting)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // Npgsql's message may quote the text; only the kind of failure is kept.
            throw new InvalidDatabaseUrlException(setting, "it is not a URL and not a valid Npgsql connection string (a key is unknown or a value has the wrong type)", null);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string text, string setting)
    {
        var scheme = text[..text.IndexOf("://", StringComparison.Ordinal)];
        if (!scheme.Equals("postgres", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDatabaseUrlException(setting, $"the URL scheme is '{Printable(scheme)}', not postgres:// or postgresql://", null);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidDatabaseUrlException(setting, "the URL cannot be read (expected postgres://user:password@host:port/database)", null);
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidDatabaseUrlException(setting, "the URL path must be one database name", null);
        }

        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var parameter = Uri.UnescapeDataString(equals < 0 ? string.Empty : pair[(equals + 1)..]);
            if (key.Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                builder.Password = parameter;
                continue;
            }

            try
            {
                builder[key] = parameter;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
            {
                throw new InvalidDatabaseUrlException(setting, $"the URL parameter '{Printable(key)}' is not an Npgsql setting or has a value of the wrong type", null);
            }
        }

        return builder;
    }

    /// <summary>A key or scheme for a message: at most 40 characters, letters, digits and <c>-_. </c> only.</summary>
    private static string Printable(string text)
    {
        var kept = new string([.. text.Take(40).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ' ' ? c : '?')]);
        return kept.Length == 0 ? string.Create(CultureInfo.InvariantCulture, $"(empty)") : kept;
    }
}
