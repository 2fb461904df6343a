using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>
/// What every <see cref="ILlmProfileStore"/> must do, run against each implementation (the file store, PostgreSQL): names,
/// documents, secrets at rest, not-found and conflict errors, renames, limits, create-only saves and concurrent writers.
/// Each test gets fresh storage; <see cref="CreateStoreAsync"/> called twice gives two instances over the same storage
/// (two processes, two servers).
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class LlmProfileStoreContract
{
    protected static readonly Cipher StoreCipher = new("test-cipher-key-contract");

    /// <summary>A new store instance over this test's storage (created empty on the first call).</summary>
    protected abstract Task<ILlmProfileStore> CreateStoreAsync(Cipher? cipher = null);

    /// <summary>The stored document of a profile as text, or <see langword="null"/> when there is none.</summary>
    protected abstract Task<string?> ReadDocumentAsync(string name);

    /// <summary>Stores a raw document under a name, bypassing the store (a damaged or foreign record).</summary>
    protected abstract Task WriteDocumentAsync(string name, string text);

    [Test]
    public async Task List_EmptyStore_ReturnsNothing()
    {
        var store = await CreateStoreAsync();

        (await store.ListAsync()).Should().BeEmpty();
        (await store.ListSummariesAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task List_AfterSaves_ReturnsNamesSortedOrdinally()
    {
        var store = await CreateStoreAsync();
        foreach (var name in new[] { "beta", "Alpha", "alpha", "alpha-2" })
        {
            await store.SaveAsync(name, new Llm("openai/gpt-4o"));
        }

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("Alpha", "alpha", "alpha-2", "beta");
        (await store.ListSummariesAsync()).Select(s => s.Name.Value).Should().Equal("Alpha", "alpha", "alpha-2", "beta");
    }

    [Test]
    public async Task SaveThenLoad_RoundTripsTheFieldsAndSetsSourceProfile()
    {
        var store = await CreateStoreAsync(StoreCipher);
        var llm = new Llm("anthropic/claude-sonnet-4-5")
        {
            ApiKey = new SecretString("sk-test-alpha"),
            BaseUrl = "https://proxy.example.com/v1",
            Temperature = 0.5,
            MaxOutputTokens = 4096,
            AwsSecretAccessKey = new SecretString("sk-test-aws"),
        };

        await store.SaveAsync("claude", llm);
        var loaded = await store.LoadAsync("claude");

        loaded.Should().Be(llm);
        loaded.SourceProfile.Should().Be(ProfileName.Create("claude"));
        loaded.ApiKey!.Reveal().Should().Be("sk-test-alpha");
        loaded.AwsSecretAccessKey!.Reveal().Should().Be("sk-test-aws");
    }

    [Test]
    public async Task Save_ExistingProfile_OverwritesIt()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("p", new Llm("openai/gpt-4o") { Temperature = 0.1 });

        await store.SaveAsync("p", new Llm("openai/gpt-4o-mini") { Temperature = 0.9 });

        var loaded = await store.LoadAsync("p");
        loaded.Model.Should().Be("openai/gpt-4o-mini");
        loaded.Temperature.Should().Be(0.9);
        (await store.ListAsync()).Should().ContainSingle();
    }

    [Test]
    public async Task Save_Document_IsTheProfileFileDocument()
    {
        var store = await CreateStoreAsync();
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-plain"), Temperature = 0.25 };

        await store.SaveAsync("p", llm);

        (await ReadDocumentAsync("p")).Should().Be(Encoding.UTF8.GetString(LlmJson.ToProfileDocument(llm, SecretExposure.Plaintext)));
        using var document = JsonDocument.Parse((await ReadDocumentAsync("p"))!);
        document.RootElement.GetProperty("schema_version").GetInt32().Should().Be(1);
        document.RootElement.GetProperty("api_key").GetString().Should().Be("sk-test-plain", "without a cipher the key is plaintext, as in the files");
    }

    [Test]
    public async Task Save_WithCipher_StoresATokenThatDecryptsToTheKey()
    {
        var store = await CreateStoreAsync(StoreCipher);

        await store.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-cipher") });

        var text = (await ReadDocumentAsync("p"))!;
        text.Should().NotContain("sk-test-cipher");
        using var document = JsonDocument.Parse(text);
        var token = document.RootElement.GetProperty("api_key").GetString()!;
        token.Should().StartWith(Cipher.TokenPrefix);
        StoreCipher.Decrypt(token).Should().Be("sk-test-cipher");
    }

    [Test]
    public async Task Save_IncludeSecretsFalse_StoresTheSentinelAndLoadsWithoutKey()
    {
        var store = await CreateStoreAsync(StoreCipher);

        await store.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-redact") }, new ProfileSaveOptions { IncludeSecrets = false });

        var text = (await ReadDocumentAsync("p"))!;
        text.Should().NotContain("sk-test-redact").And.NotContain(Cipher.TokenPrefix).And.Contain(SecretString.Redacted);
        (await store.LoadAsync("p")).ApiKey.Should().BeNull();
        (await store.ListSummariesAsync()).Single().ApiKeySet.Should().BeFalse();
    }

    [Test]
    public async Task Save_UnknownFields_SurviveByteForByte()
    {
        var store = await CreateStoreAsync();
        using var json = JsonDocument.Parse("""{"model": "openai/gpt-4o", "x_future": {"b": [1, 2.50, "three"], "a": null}, "zeta": true}""");
        await store.SaveAsync("p", LlmJson.Read(json.RootElement));
        var first = await ReadDocumentAsync("p");

        await store.SaveAsync("p", await store.LoadAsync("p"));

        var second = await ReadDocumentAsync("p");
        second.Should().Be(first);
        first.Should().Contain("\"x_future\"").And.Contain("2.50").And.Contain("\"zeta\": true");
    }

    [Test]
    public async Task Load_MissingProfile_ThrowsNotFoundListingTheAvailableNames()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("one", new Llm("openai/gpt-4o"));
        await store.SaveAsync("two", new Llm("openai/gpt-4o"));

        var act = () => store.LoadAsync("three");

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.Message.Should().Contain("three").And.Contain("one").And.Contain("two");
        (await store.TryLoadAsync(ProfileName.Create("three"))).Should().BeNull();
        (await store.ExistsAsync("three")).Should().BeFalse();
        (await store.ExistsAsync("one")).Should().BeTrue();
    }

    [Test]
    public async Task Load_DamagedDocument_ThrowsInvalidProfileAndTheListingSkipsIt()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("good", new Llm("openai/gpt-4o"));
        await WriteDocumentAsync("bad", "{ not json");

        var act = () => store.LoadAsync("bad");

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("bad");
        (await store.ListSummariesAsync()).Select(s => s.Name.Value).Should().Equal("good");
    }

    [Test]
    public async Task Delete_TwiceOnOneProfile_ReturnsTrueThenFalse()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));

        (await store.DeleteAsync("p")).Should().BeTrue();
        (await store.DeleteAsync("p")).Should().BeFalse();
        (await store.ListAsync()).Should().BeEmpty();
        (await ReadDocumentAsync("p")).Should().BeNull();
    }

    [Test]
    public async Task Rename_ExistingProfile_MovesItsDocumentUnchanged()
    {
        var store = await CreateStoreAsync(StoreCipher);
        await store.SaveAsync("old", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-rename") });
        var before = await ReadDocumentAsync("old");

        await store.RenameAsync("old", "new");

        (await ReadDocumentAsync("old")).Should().BeNull();
        (await ReadDocumentAsync("new")).Should().Be(before);
        (await store.LoadAsync("new")).ApiKey!.Reveal().Should().Be("sk-test-rename");
    }

    [Test]
    public async Task Rename_MissingSource_ThrowsNotFoundAndChangesNothing()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("other", new Llm("openai/gpt-4o"));

        var act = () => store.RenameAsync("missing", "new");

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.Message.Should().Contain("missing");
        (await store.ListAsync()).Select(n => n.Value).Should().Equal("other");
    }

    [Test]
    public async Task Rename_ToATakenName_ThrowsAlreadyExistsAndKeepsBoth()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("a", new Llm("openai/gpt-4o"));
        await store.SaveAsync("b", new Llm("openai/gpt-4o-mini"));

        var act = () => store.RenameAsync("a", "b");

        await act.Should().ThrowAsync<ProfileAlreadyExistsException>();
        (await store.LoadAsync("a")).Model.Should().Be("openai/gpt-4o");
        (await store.LoadAsync("b")).Model.Should().Be("openai/gpt-4o-mini");
    }

    [Test]
    public async Task Rename_SameName_DoesNothingButNeedsTheProfile()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("same", new Llm("openai/gpt-4o"));

        await store.RenameAsync("same", "same");
        var missing = () => store.RenameAsync("gone", "gone");

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("same");
        await missing.Should().ThrowAsync<ProfileNotFoundException>();
    }

    [Test]
    public async Task Save_NewProfileAtTheLimit_ThrowsLimitExceededButAnOverwriteIsAllowed()
    {
        var store = await CreateStoreAsync();
        var limited = new ProfileSaveOptions { MaxProfiles = 2 };
        await store.SaveAsync("a", new Llm("openai/gpt-4o"), limited);
        await store.SaveAsync("b", new Llm("openai/gpt-4o"), limited);

        var act = () => store.SaveAsync("c", new Llm("openai/gpt-4o"), limited);

        (await act.Should().ThrowAsync<ProfileLimitExceededException>()).Which.Limit.Should().Be(2);
        await store.SaveAsync("a", new Llm("openai/gpt-4o-mini"), limited);
        (await store.ListAsync()).Select(n => n.Value).Should().Equal("a", "b");
        var none = () => store.SaveAsync("d", new Llm("openai/gpt-4o"), new ProfileSaveOptions { MaxProfiles = 0 });
        await none.Should().ThrowAsync<ProfileLimitExceededException>();
    }

    [Test]
    public async Task Save_CreateOnlyOnAnExistingProfile_ThrowsAlreadyExistsAndLeavesIt()
    {
        var store = await CreateStoreAsync();
        await store.SaveAsync("p", new Llm("openai/gpt-4o"));

        var act = () => store.SaveAsync("p", new Llm("openai/gpt-4o-mini"), new ProfileSaveOptions { CreateOnly = true });

        await act.Should().ThrowAsync<ProfileAlreadyExistsException>();
        (await store.LoadAsync("p")).Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public async Task Save_ConcurrentCreateOnlyOfOneNameOnTwoInstances_ExactlyOneWins()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        var create = new ProfileSaveOptions { CreateOnly = true };

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? first : second).SaveAsync("one", new Llm("openai/gpt-4o") { Seed = i }, create);
                return true;
            }
            catch (ProfileAlreadyExistsException)
            {
                return false;
            }
        }));

        results.Count(won => won).Should().Be(1);
    }

    [Test]
    public async Task Save_ConcurrentNewProfilesOnTwoInstances_NeverExceedTheLimit()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        var limited = new ProfileSaveOptions { MaxProfiles = 5 };

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? first : second).SaveAsync($"p{i}", new Llm("openai/gpt-4o"), limited);
                return true;
            }
            catch (ProfileLimitExceededException)
            {
                return false;
            }
        }));

        results.Count(saved => saved).Should().Be(5);
        (await first.ListAsync()).Should().HaveCount(5);
    }

    [Test]
    public async Task Writes_OnOneInstance_AreSeenByAnother()
    {
        var writer = await CreateStoreAsync(StoreCipher);
        var reader = await CreateStoreAsync(StoreCipher);

        await writer.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-one") });
        (await reader.LoadAsync("p")).ApiKey!.Reveal().Should().Be("sk-test-one");
        await writer.SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-two") });
        (await reader.LoadAsync("p")).ApiKey!.Reveal().Should().Be("sk-test-two");
        await writer.RenameAsync("p", "q");
        (await reader.ListAsync()).Select(n => n.Value).Should().Equal("q");
        await writer.DeleteAsync("q");
        (await reader.ExistsAsync("q")).Should().BeFalse();
    }

    [Test]
    public async Task ListSummaries_ReportModelBaseUrlConnectionAndKeyPresence_EvenWithoutTheCipher()
    {
        var store = await CreateStoreAsync(StoreCipher);
        await store.SaveAsync("keyed", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-summary"), BaseUrl = "https://proxy.example.com/v1" });
        await store.SaveAsync("bare", new Llm("openai/gpt-4o-mini"));
        await store.SaveAsync("linked", new Llm("openai/gpt-4o") { ProviderConnectionId = "conn-one" });

        var summaries = await (await CreateStoreAsync()).ListSummariesAsync();

        summaries.Should().Equal(
            new LlmProfileSummary(ProfileName.Create("bare"), "openai/gpt-4o-mini", null, null, false),
            new LlmProfileSummary(ProfileName.Create("keyed"), "openai/gpt-4o", "https://proxy.example.com/v1", null, true),
            new LlmProfileSummary(ProfileName.Create("linked"), "openai/gpt-4o", null, "conn-one", false));
    }

    [Test]
    public async Task Load_EncryptedWithAnotherKey_ThrowsSecretDecryption()
    {
        await (await CreateStoreAsync(StoreCipher)).SaveAsync("p", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-other") });
        var wrong = await CreateStoreAsync(new Cipher("test-cipher-key-wrong"));

        var act = () => wrong.LoadAsync("p");

        (await act.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().NotContain("sk-test-other");
    }
}
