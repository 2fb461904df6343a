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
    private readonly TestInstances _db = new();

    [TearDown]
    public Task CleanAsync() => _db.DisposeAsync().AsTask();

    protected override async Task<IProviderConnectionStore> CreateStoreAsync(Cipher? cipher = null, ILlmProfileStore? profiles = null, int maxConnections = 64) =>
        new PostgreSqlProviderConnectionStore(await InstanceAsync(), cipher, profiles, maxConnections);

    protected override async Task<ILlmProfileStore> CreateProfileStoreAsync() => new PostgreSqlLlmProfileStore(await InstanceAsync());

    protected override async Task<List<string?>> ReadStoredKeysAsync() => await _db.Database.QueryAsync("SELECT api_key FROM provider_connections ORDER BY position");

    private Task<PostgreSqlDatabase> InstanceAsync() => _db.OpenAsync(migrate: false);
}
