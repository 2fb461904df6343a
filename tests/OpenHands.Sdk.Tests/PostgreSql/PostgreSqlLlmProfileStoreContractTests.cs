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
    private readonly TestInstances _db = new();

    [TearDown]
    public Task CleanAsync() => _db.DisposeAsync().AsTask();

    protected override async Task<ILlmProfileStore> CreateStoreAsync(Cipher? cipher = null) =>
        new PostgreSqlLlmProfileStore(await _db.OpenAsync(migrate: false), cipher);

    protected override async Task<string?> ReadDocumentAsync(string name)
    {
        await using var connection = await _db.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT document FROM llm_profiles WHERE name = $1", connection) { Parameters = { new() { Value = name } } };
        return await command.ExecuteScalarAsync() as string;
    }

    protected override async Task WriteDocumentAsync(string name, string text)
    {
        await using var connection = await _db.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO llm_profiles (name, document, revision) VALUES ($1, $2, 1)", connection)
        {
            Parameters = { new() { Value = name }, new() { Value = text } },
        };
        await command.ExecuteNonQueryAsync();
    }
}
