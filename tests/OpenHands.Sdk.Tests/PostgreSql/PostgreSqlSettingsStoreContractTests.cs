using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Settings;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>The <see cref="ISettingsStore"/> contract on <see cref="PostgreSqlSettingsStore"/>: one new database per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("PostgreSql")]
public sealed class PostgreSqlSettingsStoreContractTests : SettingsStoreContract
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

    [Test]
    public async Task ConditionalSave_StaleRevision_ThrowsStoreConflictAndWritesNothing()
    {
        var store = new PostgreSqlSettingsStore(await InstanceAsync(), await CreateProfileStoreAsync());
        (await store.SaveAsync(new PersistedSettings { ActiveAgentProfileId = "a" }, expectedRevision: null)).Should().Be(1);
        var (_, revision) = await store.LoadWithRevisionAsync();
        await store.SaveAsync(new PersistedSettings { ActiveAgentProfileId = "b" }, revision);

        var act = () => store.SaveAsync(new PersistedSettings { ActiveAgentProfileId = "c" }, revision);

        (await act.Should().ThrowAsync<StoreConflictException>()).Which.ActualRevision.Should().Be(2);
        (await store.LoadAsync()).ActiveAgentProfileId.Should().Be("b");
        var create = () => store.SaveAsync(new PersistedSettings(), expectedRevision: null);
        await create.Should().ThrowAsync<StoreConflictException>();
    }

    protected override async Task<ISettingsStore> CreateStoreAsync(ILlmProfileStore profiles) => new PostgreSqlSettingsStore(await InstanceAsync(), profiles);

    protected override async Task<ILlmProfileStore> CreateProfileStoreAsync() => new PostgreSqlLlmProfileStore(await InstanceAsync());

    protected override async Task<string?> ReadDocumentAsync() => (await _database!.QueryAsync("SELECT document FROM settings")).SingleOrDefault();

    protected override async Task WriteDocumentAsync(string text)
    {
        await InstanceAsync();   // the schema exists
        await using var connection = await _database!.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO settings (name, document, revision) VALUES ('settings', $1, 1)", connection)
        {
            Parameters = { new() { Value = text } },
        };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new <see cref="PostgreSqlDatabase"/> (one instance of a server) on this test's database, its schema migrated.</summary>
    private async Task<PostgreSqlDatabase> InstanceAsync()
    {
        _database ??= await TestDatabase.CreateAsync();
        var instance = new PostgreSqlDatabase(_database.ConnectionString);
        _instances.Add(instance);
        await instance.MigrateAsync();
        return instance;
    }
}
