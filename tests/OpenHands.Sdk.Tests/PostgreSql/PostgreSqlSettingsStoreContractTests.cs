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
    private readonly TestInstances _db = new();

    [TearDown]
    public Task CleanAsync() => _db.DisposeAsync().AsTask();

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

    protected override async Task<string?> ReadDocumentAsync() => (await _db.Database.QueryAsync("SELECT document FROM settings")).SingleOrDefault();

    protected override async Task WriteDocumentAsync(string text)
    {
        await InstanceAsync();   // the schema exists
        await using var connection = await _db.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("INSERT INTO settings (name, document, revision) VALUES ('settings', $1, 1)", connection)
        {
            Parameters = { new() { Value = text } },
        };
        await command.ExecuteNonQueryAsync();
    }

    private Task<PostgreSqlDatabase> InstanceAsync() => _db.OpenAsync();
}
