using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Profiles;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>The <see cref="ILlmProfileStore"/> contract on <see cref="PostgreSqlLlmProfileStore"/>: one new database per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("PostgreSql")]
public sealed class PostgreSqlLlmProfileStoreContractTests : LlmProfileStoreContract
{
    private readonly List<PostgreSqlDatabase> _instances = [];
    private TestDatabase? _database;

    [TearDown]
    public async Task CleanAsync()
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

    protected override async Task<ILlmProfileStore> CreateStoreAsync(Cipher? cipher = null)
    {
        _database ??= await TestDatabase.CreateAsync();
        var instance = new PostgreSqlDatabase(_database.ConnectionString);
        _instances.Add(instance);
        return new PostgreSqlLlmProfileStore(instance, cipher);
    }

    protected override async Task<string?> ReadDocumentAsync(string name)
    {
        await using var connection = await _database!.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT document FROM llm_profiles WHERE name = $1", connection) { Parameters = { new() { Value = name } } };
        return await command.ExecuteScalarAsync() as string;
    }

    protected override async Task WriteDocumentAsync(string name, string text)
    {
        await using var connection = await _database!.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO llm_profiles (name, document, revision) VALUES ($1, $2, 1)", connection)
        {
            Parameters = { new() { Value = name }, new() { Value = text } },
        };
        await command.ExecuteNonQueryAsync();
    }
}
