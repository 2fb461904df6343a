using OpenHands.Sdk.PostgreSql;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>
/// One test's database and the <see cref="PostgreSqlDatabase"/> instances opened on it (one per server the test
/// plays), for the contract fixtures that run a store contract on PostgreSQL; all disposed after the test.
/// </summary>
internal sealed class TestInstances : IAsyncDisposable
{
    private readonly List<PostgreSqlDatabase> _instances = [];
    private TestDatabase? _database;

    /// <summary>Gets the test's database; it exists once <see cref="OpenAsync"/> has been called.</summary>
    public TestDatabase Database => _database ?? throw new InvalidOperationException("Open an instance first: the database is created with it.");

    /// <summary>A new instance (one server) on this test's database; the database is created on first use.</summary>
    /// <param name="migrate">Whether the schema is migrated now; otherwise the instance's first store call migrates it.</param>
    public async Task<PostgreSqlDatabase> OpenAsync(bool migrate = true)
    {
        _database ??= await TestDatabase.CreateAsync();
        var instance = new PostgreSqlDatabase(_database.ConnectionString);
        _instances.Add(instance);
        if (migrate)
        {
            await instance.MigrateAsync();
        }

        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
