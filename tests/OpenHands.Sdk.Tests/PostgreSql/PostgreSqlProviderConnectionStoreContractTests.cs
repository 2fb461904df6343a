using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Profiles;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>The <see cref="IProviderConnectionStore"/> contract on <see cref="PostgreSqlProviderConnectionStore"/>: one new database per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("PostgreSql")]
public sealed class PostgreSqlProviderConnectionStoreContractTests : ProviderConnectionStoreContract
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

    protected override async Task<IProviderConnectionStore> CreateStoreAsync(Cipher? cipher = null, ILlmProfileStore? profiles = null, int maxConnections = 64) =>
        new PostgreSqlProviderConnectionStore(await InstanceAsync(), cipher, profiles, maxConnections);

    protected override async Task<ILlmProfileStore> CreateProfileStoreAsync() => new PostgreSqlLlmProfileStore(await InstanceAsync());

    protected override async Task<List<string?>> ReadStoredKeysAsync() => await _database!.QueryAsync("SELECT api_key FROM provider_connections ORDER BY position");

    /// <summary>A new <see cref="PostgreSqlDatabase"/> (one instance of a server) on this test's database.</summary>
    private async Task<PostgreSqlDatabase> InstanceAsync()
    {
        _database ??= await TestDatabase.CreateAsync();
        var instance = new PostgreSqlDatabase(_database.ConnectionString);
        _instances.Add(instance);
        return instance;
    }
}
