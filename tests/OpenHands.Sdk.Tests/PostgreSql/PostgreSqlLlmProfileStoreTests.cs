using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>What the PostgreSQL profile store adds to the contract: revisions, conditional saves, the lock, registration.</summary>
[Parallelizable(ParallelScope.All)]
[Category("PostgreSql")]
public sealed class PostgreSqlLlmProfileStoreTests
{
    [Test]
    public async Task Revision_StartsAtOneAndRisesWithEverySaveAndRename()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        var store = new PostgreSqlLlmProfileStore(instance);

        (await store.GetRevisionAsync(P("p"))).Should().BeNull();
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
        (await store.GetRevisionAsync(P("p"))).Should().Be(1);
        await store.SaveAsync("p", new Llm("openai/gpt-4o-mini"));
        (await store.GetRevisionAsync(P("p"))).Should().Be(2);
        await store.RenameAsync("p", "q");
        (await store.GetRevisionAsync(P("q"))).Should().Be(3);
    }

    [Test]
    public async Task ConditionalSave_StaleRevision_ThrowsConflictAndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        var store = new PostgreSqlLlmProfileStore(instance);
        var read = await store.SaveAsync(P("p"), new Llm("openai/gpt-4o"), expectedRevision: null);
        await store.SaveAsync("p", new Llm("openai/gpt-4o-mini"));   // another writer

        var act = () => store.SaveAsync(P("p"), new Llm("openai/o3"), read);

        var conflict = (await act.Should().ThrowAsync<StoreConflictException>()).Which;
        conflict.ExpectedRevision.Should().Be(1);
        conflict.ActualRevision.Should().Be(2);
        conflict.Message.Should().Contain("LLM profile 'p'").And.Contain("retry");
        (await store.LoadAsync("p")).Model.Should().Be("openai/gpt-4o-mini");
        var create = () => store.SaveAsync(P("p"), new Llm("openai/o3"), expectedRevision: null);
        await create.Should().ThrowAsync<StoreConflictException>();
    }

    [Test]
    public async Task ConditionalSave_ManyWritersOfOneRevisionOnThreeInstances_ExactlyOneWins()
    {
        await using var database = await TestDatabase.CreateAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => new PostgreSqlDatabase(database.ConnectionString)).ToList();
        try
        {
            var stores = instances.Select(i => new PostgreSqlLlmProfileStore(i)).ToList();
            var revision = await stores[0].SaveAsync(P("p"), new Llm("openai/gpt-4o"), expectedRevision: null);

            var results = await Task.WhenAll(Enumerable.Range(0, 15).Select(async i =>
            {
                try
                {
                    await stores[i % 3].SaveAsync(P("p"), new Llm("openai/gpt-4o") { Seed = i }, revision);
                    return i;
                }
                catch (StoreConflictException)
                {
                    return -1;
                }
            }));

            var winner = results.Where(r => r >= 0).Should().ContainSingle().Which;
            (await stores[1].LoadAsync("p")).Seed.Should().Be(winner, "the one acknowledged write is what every instance reads");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Save_LockHeldByAnotherInstance_ThrowsStoreBusyAndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString, lockTimeout: TimeSpan.FromMilliseconds(200));
        var store = new PostgreSqlLlmProfileStore(instance);
        await instance.MigrateAsync();
        await using var holder = await database.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", holder, transaction) { Parameters = { new() { Value = 0x4F48_5052_4F46_494CL } } })
        {
            await take.ExecuteNonQueryAsync();
        }

        var act = () => store.SaveAsync("p", new Llm("openai/gpt-4o"));

        (await act.Should().ThrowAsync<StoreBusyException>()).Which.Message.Should().Contain("llm_profiles");
        await transaction.RollbackAsync();
        (await store.ExistsAsync("p")).Should().BeFalse();
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));
    }

    [Test]
    public async Task UsePostgreSql_ReplacesTheFileStoresAndSharesTheCipher()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var folder = TempDirectory.Create();
        var services = new ServiceCollection();
        services.AddOpenHands(o => { o.PersistenceDirectory = folder.Path; o.SecretKey = "test-cipher-key-di"; }).UsePostgreSql(database.Url);
        await using var provider = services.BuildServiceProvider();

        var profiles = provider.GetRequiredService<ILlmProfileStore>();
        var connections = provider.GetRequiredService<IProviderConnectionStore>();
        await profiles.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-di") });

        profiles.Should().BeOfType<PostgreSqlLlmProfileStore>().Which.EncryptsSecrets.Should().BeTrue();
        connections.Should().BeOfType<PostgreSqlProviderConnectionStore>();
        Directory.Exists(Path.Combine(folder.Path, "profiles")).Should().BeFalse("no profile file is written");
        var document = (await database.QueryAsync("SELECT document FROM llm_profiles")).Single();
        document.Should().NotContain("sk-test-di").And.Contain(Cipher.TokenPrefix);
    }

    [Test]
    public async Task UsePostgreSql_WithoutADatabase_KeepsTheFileStores()
    {
        using var folder = TempDirectory.Create();
        var services = new ServiceCollection();
        services.AddOpenHands(o => o.PersistenceDirectory = folder.Path).UsePostgreSql(_ => null);
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILlmProfileStore>().Should().BeOfType<LlmProfileStore>();
        provider.GetRequiredService<IProviderConnectionStore>().Should().BeOfType<ProviderConnectionStore>();
    }

    [Test]
    public void UsePostgreSql_BadUrl_FailsAtRegistrationNamingTheArgument()
    {
        var act = () => new ServiceCollection().AddOpenHands().UsePostgreSql("postgres://app:pw-test-hidden@/db");

        act.Should().Throw<InvalidDatabaseUrlException>().Which.Message.Should().Contain("connectionString").And.NotContain("pw-test-hidden");
    }

    private static ProfileName P(string name) => ProfileName.Create(name);
}
