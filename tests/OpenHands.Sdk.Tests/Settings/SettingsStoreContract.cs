using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Tests.Settings;

/// <summary>
/// What every <see cref="ISettingsStore"/> must do, run against each implementation (the file store, PostgreSQL): defaults,
/// the stored document, unknown fields and stored tokens kept, activation, corrupt records, and no lost update between
/// two instances. <see cref="CreateStoreAsync"/> called twice gives two instances over the same storage.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class SettingsStoreContract
{
    /// <summary>A new settings store instance over this test's storage, reading profiles from <paramref name="profiles"/>.</summary>
    protected abstract Task<ISettingsStore> CreateStoreAsync(ILlmProfileStore profiles);

    /// <summary>A new LLM profile store instance over this test's storage.</summary>
    protected abstract Task<ILlmProfileStore> CreateProfileStoreAsync();

    /// <summary>The stored settings document as text, or <see langword="null"/> when there is none.</summary>
    protected abstract Task<string?> ReadDocumentAsync();

    /// <summary>Stores a raw settings document, bypassing the store (a damaged or foreign record).</summary>
    protected abstract Task WriteDocumentAsync(string text);

    [Test]
    public async Task Load_NothingStored_ReturnsDefaultsAndWritesNothing()
    {
        var store = await CreateStoreAsync(await CreateProfileStoreAsync());

        var settings = await store.LoadAsync();

        settings.Should().BeEquivalentTo(new PersistedSettings());
        (await store.GetLlmApiKeyIsSetAsync()).Should().BeFalse();
        (await store.MigrateLegacyAsync()).Should().BeNull();
        (await ReadDocumentAsync()).Should().BeNull();
    }

    [Test]
    public async Task Save_AnotherInstanceLoadsTheSameSettings_AndTheDocumentIsTheFileFormat()
    {
        var profiles = await CreateProfileStoreAsync();
        var writer = await CreateStoreAsync(profiles);
        var settings = new PersistedSettings
        {
            ActiveAgentProfileId = "7b0e1c9e-3d6f-4f7e-9a51-2f1b4f6a8c11",
            ConversationSettings = new ConversationSettings { MaxIterations = 42, ConfirmationMode = true },
            MiscSettings = ImmutableDictionary<string, JsonElement>.Empty.Add("theme", JsonSerializer.SerializeToElement("dark")),
        };

        await writer.SaveAsync(settings);
        var loaded = await (await CreateStoreAsync(profiles)).LoadAsync();

        loaded.ActiveAgentProfileId.Should().Be(settings.ActiveAgentProfileId);
        loaded.ConversationSettings.MaxIterations.Should().Be(42);
        loaded.ConversationSettings.ConfirmationMode.Should().BeTrue();
        loaded.MiscSettings["theme"].GetString().Should().Be("dark");
        (await ReadDocumentAsync()).Should().Be(Encoding.UTF8.GetString(SettingsJson.Write(settings)));
    }

    [Test]
    public async Task Update_KeepsUnknownFieldsAndStoredTokensAsWritten()
    {
        const string Token = "gAAAAABtest-token-stays-as-written";
        await WriteDocumentAsync($$$"""
            {"schema_version": 2, "active_profile": null, "future_field": {"kept": [1, 2.50, "x"]},
             "misc_settings": {"remote_secret": "{{{Token}}}"}}
            """);
        var store = await CreateStoreAsync(await CreateProfileStoreAsync());

        await store.UpdateAsync(s => s with { ActiveAgentProfileId = "5d1c2b3a-0000-4000-8000-000000000001" });

        var document = JsonNode.Parse((await ReadDocumentAsync())!)!;
        document["future_field"]!.ToJsonString().Should().Be("""{"kept":[1,2.50,"x"]}""");
        document["misc_settings"]!["remote_secret"]!.GetValue<string>().Should().Be(Token);
        document["active_agent_profile_id"]!.GetValue<string>().Should().Be("5d1c2b3a-0000-4000-8000-000000000001");
    }

    [Test]
    public async Task ActivateProfile_SetsThePointerOnly_AndAMissingProfileChangesNothing()
    {
        var profiles = await CreateProfileStoreAsync();
        await profiles.SaveAsync("fast", new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-alpha") });
        var store = await CreateStoreAsync(profiles);

        var act = () => store.ActivateProfileAsync(ProfileName.Create("missing"));
        await act.Should().ThrowAsync<ProfileNotFoundException>();
        (await ReadDocumentAsync()).Should().BeNull();

        (await store.ActivateProfileAsync(ProfileName.Create("fast"))).ActiveProfile.Should().Be(ProfileName.Create("fast"));
        (await (await CreateStoreAsync(profiles)).LoadAsync()).ActiveProfile.Should().Be(ProfileName.Create("fast"));
        (await store.GetLlmApiKeyIsSetAsync()).Should().BeTrue();
        (await ReadDocumentAsync()).Should().NotContain("sk-test-alpha").And.NotContain("gpt-4o-mini");
    }

    [Test]
    public async Task Load_CorruptDocument_ThrowsInvalidSettingsAndLeavesIt()
    {
        await WriteDocumentAsync("{not json");
        var store = await CreateStoreAsync(await CreateProfileStoreAsync());

        var act = () => store.LoadAsync();

        await act.Should().ThrowAsync<InvalidSettingsException>();
        (await ReadDocumentAsync()).Should().Be("{not json");
    }

    [Test]
    public async Task ConcurrentUpdatesFromTwoInstances_LoseNone()
    {
        var profiles = await CreateProfileStoreAsync();
        var stores = new[] { await CreateStoreAsync(profiles), await CreateStoreAsync(profiles) };

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => stores[i % 2].UpdateAsync(
            s => s with { MiscSettings = s.MiscSettings.SetItem($"k{i}", JsonSerializer.SerializeToElement(i)) }))));

        var misc = (await stores[0].LoadAsync()).MiscSettings;
        misc.Keys.Should().BeEquivalentTo(Enumerable.Range(0, 40).Select(i => $"k{i}"));
        misc.Should().AllSatisfy(p => p.Value.GetInt32().Should().Be(int.Parse(p.Key[1..], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
