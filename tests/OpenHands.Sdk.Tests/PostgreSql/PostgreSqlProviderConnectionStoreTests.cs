using OpenHands.Sdk.Llms;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.PostgreSql;

[Parallelizable(ParallelScope.All)]
[Category("PostgreSql")]
public sealed class PostgreSqlProviderConnectionStoreTests
{
    private static readonly Cipher StoreCipher = new("test-cipher-key-connections");

    [Test]
    public async Task CreateListGetUpdate_KeepCreationOrderAndFields()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        var store = new PostgreSqlProviderConnectionStore(instance, StoreCipher);

        var one = await store.CreateAsync("One", "anthropic", new SecretString("sk-test-conn-one"), "https://one.example.com");
        var two = await store.CreateAsync("Two", ProviderConnection.DefaultProvider, new SecretString("sk-test-conn-two"), null);
        var updated = await store.UpdateAsync(one.Id, c => c with { DisplayName = "One renamed", ApiKey = new SecretString("sk-test-conn-new") });

        one.Id.Should().MatchRegex("^[0-9a-f]{32}$");
        (await store.ListAsync()).Select(c => c.DisplayName).Should().Equal("One renamed", "Two");
        var got = (await store.GetAsync(one.Id))!;
        got.Should().Be(updated);
        got.ApiKey!.Reveal().Should().Be("sk-test-conn-new");
        got.Provider.Should().Be("anthropic");
        got.CreatedAt.Should().Be(one.CreatedAt);
        (await store.GetAsync(two.Id))!.BaseUrl.Should().BeNull();
        (await store.GetAsync("missing")).Should().BeNull();
    }

    [Test]
    public async Task Keys_AreFernetTokensAtRestWithACipherAndPlaintextWithout()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        await new PostgreSqlProviderConnectionStore(instance, StoreCipher).CreateAsync("Enc", "custom", new SecretString("sk-test-conn-enc"), null);
        await new PostgreSqlProviderConnectionStore(instance).CreateAsync("Plain", "custom", new SecretString("sk-test-conn-plain"), null);

        var keys = await database.QueryAsync("SELECT api_key FROM provider_connections ORDER BY position");

        keys[0].Should().StartWith(Cipher.TokenPrefix);
        StoreCipher.Decrypt(keys[0]!).Should().Be("sk-test-conn-enc");
        keys[1].Should().Be("sk-test-conn-plain");
    }

    [Test]
    public async Task List_KeyOfAnotherCipher_ThrowsSecretDecryptionNamingTheConnection()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        var created = await new PostgreSqlProviderConnectionStore(instance, StoreCipher).CreateAsync("One", "custom", new SecretString("sk-test-conn-one"), null);

        var wrong = () => new PostgreSqlProviderConnectionStore(instance, new Cipher("test-cipher-key-wrong")).ListAsync();
        var none = () => new PostgreSqlProviderConnectionStore(instance).GetAsync(created.Id);

        (await wrong.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().Contain(created.Id).And.Contain("OH_SECRET_KEY");
        (await none.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().Contain("no cipher");
    }

    [Test]
    public async Task Delete_ReferencedByAProfile_ThrowsInUseAndKeepsIt_ThenDeletes()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        var profiles = new PostgreSqlLlmProfileStore(instance);
        var store = new PostgreSqlProviderConnectionStore(instance, profiles: profiles);
        var created = await store.CreateAsync("One", "custom", new SecretString("sk-test-conn-one"), null);
        await profiles.SaveAsync("linked", new Llm("openai/gpt-4o") { ProviderConnectionId = created.Id });

        var act = () => store.DeleteAsync(created.Id);

        (await act.Should().ThrowAsync<ProviderConnectionInUseException>()).Which.Message.Should().Contain("linked");
        (await store.GetAsync(created.Id)).Should().NotBeNull();
        await profiles.DeleteAsync("linked");
        (await store.DeleteAsync(created.Id)).Id.Should().Be(created.Id);
        (await store.ListAsync()).Should().BeEmpty();
        var again = () => store.DeleteAsync(created.Id);
        await again.Should().ThrowAsync<ProviderConnectionNotFoundException>();
        var update = () => store.UpdateAsync(created.Id, c => c);
        await update.Should().ThrowAsync<ProviderConnectionNotFoundException>();
    }

    [Test]
    public async Task Create_AtTheLimitOrWithBadNames_ThrowsAndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var instance = new PostgreSqlDatabase(database.ConnectionString);
        var store = new PostgreSqlProviderConnectionStore(instance, maxConnections: 1);
        await store.CreateAsync("One", "custom", new SecretString("sk-test-conn-one"), null);

        var full = () => store.CreateAsync("Two", "custom", new SecretString("sk-test-conn-two"), null);
        var blank = () => store.CreateAsync(" ", "custom", new SecretString("sk-test-conn-two"), null);

        (await full.Should().ThrowAsync<ProfileLimitExceededException>()).Which.Message.Should().Contain("limit reached (1)");
        await blank.Should().ThrowAsync<ArgumentException>();
        (await store.ListAsync()).Should().ContainSingle();
    }

    [Test]
    public async Task Update_ConcurrentFromThreeInstances_LosesNoUpdate()
    {
        await using var database = await TestDatabase.CreateAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => new PostgreSqlDatabase(database.ConnectionString)).ToList();
        try
        {
            var stores = instances.Select(i => new PostgreSqlProviderConnectionStore(i, StoreCipher)).ToList();
            var created = await stores[0].CreateAsync("n", "custom", new SecretString("sk-test-conn-one"), null);

            // Each update appends one letter to what it reads: a lost update would leave the name short.
            await Task.WhenAll(Enumerable.Range(0, 12).Select(i => stores[i % 3].UpdateAsync(created.Id, c => c with { DisplayName = c.DisplayName + "x" })));

            (await stores[2].GetAsync(created.Id))!.DisplayName.Should().Be("n" + new string('x', 12));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
