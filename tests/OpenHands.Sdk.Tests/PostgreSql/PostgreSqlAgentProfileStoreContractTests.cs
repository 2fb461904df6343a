using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Tests.Profiles;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>The <see cref="IAgentProfileStore"/> contract on <see cref="PostgreSqlAgentProfileStore"/>: one new database per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("PostgreSql")]
public sealed class PostgreSqlAgentProfileStoreContractTests : AgentProfileStoreContract
{
    private readonly TestInstances _db = new();

    [TearDown]
    public Task CleanAsync() => _db.DisposeAsync().AsTask();

    protected override async Task<IAgentProfileStore> CreateStoreAsync() => new PostgreSqlAgentProfileStore(await InstanceAsync());

    protected override async Task<ILlmProfileStore> CreateLlmStoreAsync() => new PostgreSqlLlmProfileStore(await InstanceAsync());

    protected override async Task<string?> ReadDocumentAsync(string name)
    {
        await using var connection = await _db.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT document FROM agent_profiles WHERE name = $1", connection) { Parameters = { new() { Value = name } } };
        return await command.ExecuteScalarAsync() as string;
    }

    protected override async Task WriteDocumentAsync(string name, string text)
    {
        await using var connection = await _db.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "INSERT INTO agent_profiles (name, document, revision) VALUES ($1, $2, 1) ON CONFLICT (name) DO UPDATE SET document = excluded.document", connection)
        {
            Parameters = { new() { Value = name }, new() { Value = text } },
        };
        await command.ExecuteNonQueryAsync();
    }

    private Task<PostgreSqlDatabase> InstanceAsync() => _db.OpenAsync();
}
