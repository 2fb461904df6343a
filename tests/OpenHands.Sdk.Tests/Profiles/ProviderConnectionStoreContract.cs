using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// What every <see cref="IProviderConnectionStore"/> must do, run against each implementation (the file store,
/// PostgreSQL): order, fields, keys at rest, limits, the in-use check and concurrent updates from several instances.
/// Each test gets fresh storage; every store made in a test shares it.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class ProviderConnectionStoreContract
{
    protected static readonly Cipher StoreCipher = new("test-cipher-key-connections");

    /// <summary>A new connection store instance over this test's storage.</summary>
    protected abstract Task<IProviderConnectionStore> CreateStoreAsync(Cipher? cipher = null, ILlmProfileStore? profiles = null, int maxConnections = 64);

    /// <summary>A profile store over the same storage (the profiles that may refer to connections).</summary>
    protected abstract Task<ILlmProfileStore> CreateProfileStoreAsync();

    /// <summary>The stored <c>api_key</c> values, in the store's order, as they are at rest.</summary>
    protected abstract Task<List<string?>> ReadStoredKeysAsync();

    [Test]
    public async Task CreateListGetUpdate_KeepCreationOrderAndFields()
    {
        var store = await CreateStoreAsync(StoreCipher);

        var one = await store.CreateAsync("One", "anthropic", new SecretString("sk-test-conn-one"), "https://one.example.com");
        var two = await store.CreateAsync("Two", ProviderConnection.DefaultProvider, new SecretString("sk-test-conn-two"), null);
        var updated = await store.UpdateAsync(one.Id, c => c with { DisplayName = "One renamed", ApiKey = new SecretString("sk-test-conn-new") });

        one.Id.Should().MatchRegex("^[0-9a-f]{32}$");
        (await store.ListAsync()).Select(c => c.DisplayName).Should().Equal("One renamed", "Two");
        var got = (await (await CreateStoreAsync(StoreCipher)).GetAsync(one.Id))!;
        got.Should().Be(updated);
        got.ApiKey!.Reveal().Should().Be("sk-test-conn-new");
        got.Provider.Should().Be("anthropic");
        got.CreatedAt.Should().Be(one.CreatedAt);
        (await store.GetAsync(two.Id))!.BaseUrl.Should().BeNull();
        (await store.GetAsync("missing")).Should().BeNull();
    }

    [Test]
    public async Task Keys_WithACipher_AreFernetTokensAtRest()
    {
        await (await CreateStoreAsync(StoreCipher)).CreateAsync("Enc", "custom", new SecretString("sk-test-conn-enc"), null);

        var stored = (await ReadStoredKeysAsync()).Single();

        stored.Should().StartWith(Cipher.TokenPrefix);
        StoreCipher.Decrypt(stored!).Should().Be("sk-test-conn-enc");
    }

    [Test]
    public async Task Keys_WithoutACipher_ArePlaintextAtRest()
    {
        var created = await (await CreateStoreAsync()).CreateAsync("Plain", "custom", new SecretString("sk-test-conn-plain"), null);

        (await ReadStoredKeysAsync()).Should().Equal("sk-test-conn-plain");
        created.ApiKeySet.Should().BeTrue();
    }

    [Test]
    public async Task Read_KeyOfAnotherCipherOrWithoutOne_ThrowsSecretDecryptionNamingTheConnection()
    {
        var created = await (await CreateStoreAsync(StoreCipher)).CreateAsync("One", "custom", new SecretString("sk-test-conn-one"), null);
        var wrongStore = await CreateStoreAsync(new Cipher("test-cipher-key-wrong"));
        var noneStore = await CreateStoreAsync();

        var wrong = () => wrongStore.ListAsync();
        var none = () => noneStore.GetAsync(created.Id);

        (await wrong.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().Contain(created.Id).And.Contain("OH_SECRET_KEY").And.NotContain("sk-test-conn-one");
        (await none.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().Contain("no cipher");
    }

    [Test]
    public async Task Delete_ReferencedByAProfile_ThrowsInUseAndKeepsIt_ThenDeletes()
    {
        var profiles = await CreateProfileStoreAsync();
        var store = await CreateStoreAsync(profiles: profiles);
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
        var store = await CreateStoreAsync(maxConnections: 1);
        var one = await store.CreateAsync("One", "custom", new SecretString("sk-test-conn-one"), null);

        var full = () => store.CreateAsync("Two", "custom", new SecretString("sk-test-conn-two"), null);
        var blank = () => store.CreateAsync(" ", "custom", new SecretString("sk-test-conn-two"), null);
        var longUrl = () => store.UpdateAsync(one.Id, c => c with { BaseUrl = new string('u', 2049) });

        (await full.Should().ThrowAsync<ProfileLimitExceededException>()).Which.Message.Should().Contain("limit reached (1)");
        await blank.Should().ThrowAsync<ArgumentException>();
        await longUrl.Should().ThrowAsync<ArgumentException>();
        (await store.ListAsync()).Should().ContainSingle().Which.BaseUrl.Should().BeNull();
    }

    [Test]
    public async Task Update_ConcurrentFromThreeInstances_LosesNoUpdate()
    {
        var stores = new List<IProviderConnectionStore>();
        for (var i = 0; i < 3; i++)
        {
            stores.Add(await CreateStoreAsync(StoreCipher));
        }

        var created = await stores[0].CreateAsync("n", "custom", new SecretString("sk-test-conn-one"), null);

        // Each update appends one letter to what it reads: a lost update would leave the name short.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => stores[i % 3].UpdateAsync(created.Id, c => c with { DisplayName = c.DisplayName + "x" })));

        (await stores[2].GetAsync(created.Id))!.DisplayName.Should().Be("n" + new string('x', 12));
    }
}
