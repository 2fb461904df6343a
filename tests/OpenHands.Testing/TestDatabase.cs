using Npgsql;
using NUnit.Framework;

namespace OpenHands.Testing;

/// <summary>
/// A new, empty PostgreSQL database for one test or fixture (<c>oh_test_&lt;random&gt;</c>), on the cluster named by
/// <c>OPENHANDS_TEST_POSTGRES</c> (which <c>.ci/postgres.sh</c> starts); dropped on dispose, so tests are independent and
/// may run in parallel.
/// </summary>
/// <remarks>
/// Without the variable the test is skipped with the reason, except under <c>CI=true</c>, where it fails: CI must run
/// the PostgreSQL tests.
/// </remarks>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The variable holding the cluster's Npgsql connection string (to its <c>postgres</c> database).</summary>
    public const string Variable = "OPENHANDS_TEST_POSTGRES";

    private readonly string _server;

    private TestDatabase(string server, string name, string connectionString)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Gets the database's name.</summary>
    public string Name { get; }

    /// <summary>Gets the Npgsql connection string of the database.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the database as a <c>postgres://</c> URL (no password: the test cluster trusts loopback).</summary>
    public string Url
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}@{b.Host}:{b.Port}/{Uri.EscapeDataString(Name)}";
        }
    }

    /// <summary>Creates the database, or skips (fails under CI) the calling test when no cluster is configured.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
        {
            const string reason = Variable + " is not set: no PostgreSQL cluster for this test. Start one with "
                + "`source .ci/postgres.sh && start_test_postgres` (it exports the variable).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason + " CI must run the PostgreSQL tests: .ci/run starts the cluster.");
            }

            Assert.Ignore(reason);
        }

        var name = "oh_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server!) { Database = name };
        return new TestDatabase(server!, name, builder.ConnectionString);
    }

    /// <summary>Opens a connection to the database (for the tests' own SQL checks).</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a query and returns the first column of every row as text.</summary>
    public async Task<List<string?>> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }

    /// <summary>Drops the database, closing whatever connections are still open to it.</summary>
    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
