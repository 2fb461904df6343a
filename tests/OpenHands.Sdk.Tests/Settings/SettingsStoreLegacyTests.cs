using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Settings;

/// <summary>
/// Every settings schema the Python SDK has written loads, and a legacy embedded LLM moves into a profile
/// exactly once, leaving no LLM (and no key) in settings.json.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Settings")]
public sealed class SettingsStoreLegacyTests
{
    private static readonly string[] SharedBaselines =
    [
        "v1/persisted_settings.json", "v2/persisted_settings.json",
        "v1/agent_settings_llm.json", "v1/agent_settings_acp.json", "v2/agent_settings_openhands.json",
        "v3/agent_settings_openhands.json", "v4/agent_settings_openhands_provider.json", "v5/agent_settings_mcp_oauth.json",
        "v1/conversation_settings.json",
    ];

    [TestCaseSource(nameof(SharedBaselines))]
    public async Task LoadAsync_SharedPythonBaseline_MatchesEveryExpectedPath(string relative)
    {
        var path = Fixtures.RequireShared("persisted_settings_baselines", relative);
        var fixture = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var expected = fixture["__expected__"]!.AsObject();
        fixture.Remove("__expected__");

        // Standalone agent/conversation settings are wrapped in the settings.json that holds them.
        var name = Path.GetFileName(relative);
        var document = name.StartsWith("agent_settings", StringComparison.Ordinal) ? new JsonObject { ["agent_settings"] = fixture }
            : name.StartsWith("conversation_settings", StringComparison.Ordinal) ? new JsonObject { ["conversation_settings"] = fixture }
            : fixture;
        var prefix = ReferenceEquals(document, fixture) ? string.Empty : name.StartsWith("agent", StringComparison.Ordinal) ? "agent_settings." : "conversation_settings.";

        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await File.WriteAllTextAsync(settingsStore.FilePath, document.ToJsonString());

        var settings = await settingsStore.LoadAsync();
        await settingsStore.SaveAsync(settings); // every expected value must survive our own writer too

        var written = JsonNode.Parse(await File.ReadAllTextAsync(settingsStore.FilePath))!;
        written["agent_settings"]!["llm"].Should().BeNull("the legacy LLM moves into a profile");
        foreach (var (key, value) in expected)
        {
            var dotted = prefix + key;
            JsonNode? actual;
            if (dotted.StartsWith("agent_settings.llm.", StringComparison.Ordinal))
            {
                var profile = settings.ActiveProfile ?? ProfileName.Default;
                var profileJson = JsonNode.Parse(await File.ReadAllTextAsync(profiles.GetPath(profile)))!;
                actual = Evaluate(profileJson, dotted["agent_settings.llm.".Length..]);
            }
            else if (dotted == "active_profile")
            {
                // Made active only if it names an existing profile; here it does not, so the migrated Default is active.
                settings.ActiveProfile.Should().Be(ProfileName.Default);
                continue;
            }
            else
            {
                actual = Evaluate(written, dotted);
            }

            JsonNode.DeepEquals(actual, value).Should().BeTrue($"'{dotted}' should be {value?.ToJsonString()} but is {actual?.ToJsonString()}");
        }
    }

    [Test]
    public async Task LoadAsync_SharedBaselineWithExistingActiveProfile_KeepsThatProfileActive()
    {
        var path = Fixtures.RequireShared("persisted_settings_baselines", "v1", "persisted_settings.json");
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await profiles.SaveAsync("fixture-profile", new Llm("openai/gpt-4o"));
        File.Copy(path, settingsStore.FilePath);

        var settings = await settingsStore.LoadAsync();

        settings.ActiveProfile.Should().Be(ProfileName.Create("fixture-profile"));
        (await profiles.LoadAsync(ProfileName.Default)).Model.Should().Be("fixture-persisted-llm");
    }

    [Test]
    public async Task LoadAsync_LegacyLlmWithKey_MovesKeyIntoDefaultProfileOnly()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await File.WriteAllTextAsync(settingsStore.FilePath, """
            {"schema_version": 2,
             "agent_settings": {"schema_version": 5, "agent_kind": "openhands",
               "llm": {"model": "anthropic/claude-sonnet-4-5", "api_key": "sk-test-legacy-key-one", "base_url": "https://llm.example.test"},
               "mcp_config": {"fetch": {"command": "uvx"}}},
             "conversation_settings": {"max_iterations": 42},
             "active_profile": null, "misc_settings": {"theme": "dark"}, "future_root_field": [1, 2]}
            """);

        var settings = await settingsStore.LoadAsync();

        settings.ActiveProfile.Should().Be(ProfileName.Default);
        settings.ConversationSettings.MaxIterations.Should().Be(42);
        settings.AgentSettings.LlmProfile.Should().BeNull("null means the active profile");
        var llm = await profiles.LoadAsync(ProfileName.Default);
        llm.ApiKey!.Reveal().Should().Be("sk-test-legacy-key-one");
        llm.BaseUrl.Should().Be("https://llm.example.test");
        var text = await File.ReadAllTextAsync(settingsStore.FilePath);
        text.Should().NotContain("sk-test-legacy-key-one").And.NotContain("claude-sonnet")
            .And.Contain("future_root_field").And.Contain("\"theme\"").And.Contain("uvx");
        (await settingsStore.GetLlmApiKeyIsSetAsync()).Should().BeTrue();
    }

    [Test]
    public async Task LoadAsync_RepeatedAfterMigration_ChangesNothing()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await File.WriteAllTextAsync(settingsStore.FilePath, """{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "sk-test-repeat-one"}}}""");
        await settingsStore.LoadAsync();
        var settingsBytes = await File.ReadAllBytesAsync(settingsStore.FilePath);
        var profileBytes = await File.ReadAllBytesAsync(profiles.GetPath(ProfileName.Default));

        await settingsStore.LoadAsync();
        await settingsStore.LoadAsync();

        (await File.ReadAllBytesAsync(settingsStore.FilePath)).Should().Equal(settingsBytes);
        (await File.ReadAllBytesAsync(profiles.GetPath(ProfileName.Default))).Should().Equal(profileBytes);
        (await profiles.ListAsync()).Should().Equal(ProfileName.Default);
    }

    [Test]
    public async Task LoadAsync_CrashAfterProfileWrittenBeforeSettingsRewritten_FinishesWithoutSecondProfile()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        const string legacy = """{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "sk-test-crash-one"}}}""";
        await File.WriteAllTextAsync(settingsStore.FilePath, legacy);
        await settingsStore.LoadAsync();
        var profileBytes = await File.ReadAllBytesAsync(profiles.GetPath(ProfileName.Default));
        await File.WriteAllTextAsync(settingsStore.FilePath, legacy); // as if the process died before rewriting settings

        var settings = await settingsStore.LoadAsync();

        settings.ActiveProfile.Should().Be(ProfileName.Default);
        (await profiles.ListAsync()).Should().Equal(ProfileName.Default);
        (await File.ReadAllBytesAsync(profiles.GetPath(ProfileName.Default))).Should().Equal(profileBytes);
    }

    [Test]
    public async Task LoadAsync_LegacyLlmEqualToActiveProfile_WritesNoProfile()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await profiles.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-same-one") });
        await File.WriteAllTextAsync(settingsStore.FilePath,
            """{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "sk-test-same-one", "usage_id": "agent"}}, "active_profile": "work"}""");

        var settings = await settingsStore.LoadAsync();

        settings.ActiveProfile.Should().Be(ProfileName.Create("work"));
        (await profiles.ListAsync()).Should().Equal(ProfileName.Create("work"));
    }

    [Test]
    public async Task LoadAsync_LegacyLlmDiffersFromExistingDefault_KeepsDefaultAndUsesTheContentName()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await profiles.SaveAsync(ProfileName.Default, new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-existing-one") });
        var defaultBytes = await File.ReadAllBytesAsync(profiles.GetPath(ProfileName.Default));
        await File.WriteAllTextAsync(settingsStore.FilePath,
            """{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "sk-test-other-one"}}, "active_profile": "Default"}""");

        var settings = await settingsStore.LoadAsync();

        settings.ActiveProfile.Should().Be(ProfileName.Default, "active_profile names an existing profile");
        (await File.ReadAllBytesAsync(profiles.GetPath(ProfileName.Default))).Should().Equal(defaultBytes);
        var moved = (await profiles.ListAsync()).Should().HaveCount(2).And.ContainSingle(n => n != ProfileName.Default).Which;
        moved.Value.Should().MatchRegex("^Default-[0-9a-f]{12}$");
        (await profiles.LoadAsync(moved)).ApiKey!.Reveal().Should().Be("sk-test-other-one");
    }

    [Test]
    public async Task LoadAsync_LegacyEncryptedKeyWithCipher_DecryptsIntoEncryptedProfile()
    {
        using var dir = TempDirectory.Create();
        var cipher = new Cipher("sk-test-settings-cipher");
        var (settingsStore, profiles) = CreateStores(dir, cipher);
        var token = cipher.Encrypt("sk-test-enc-legacy-one");
        await File.WriteAllTextAsync(settingsStore.FilePath, """{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "TOKEN"}}}""".Replace("TOKEN", token, StringComparison.Ordinal));

        await settingsStore.LoadAsync();

        (await profiles.LoadAsync(ProfileName.Default)).ApiKey!.Reveal().Should().Be("sk-test-enc-legacy-one");
        (await File.ReadAllTextAsync(profiles.GetPath(ProfileName.Default))).Should().NotContain("sk-test-enc-legacy-one");
    }

    [Test]
    public async Task LoadAsync_LegacyEncryptedKeyWithWrongCipher_ThrowsAndChangesNothing()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir, new Cipher("sk-test-wrong-cipher"));
        var token = new Cipher("sk-test-right-cipher").Encrypt("sk-test-enc-legacy-two");
        await File.WriteAllTextAsync(settingsStore.FilePath, """{"agent_settings": {"llm": {"model": "openai/gpt-4o", "api_key": "TOKEN"}}}""".Replace("TOKEN", token, StringComparison.Ordinal));
        var before = await File.ReadAllBytesAsync(settingsStore.FilePath);

        var act = () => settingsStore.LoadAsync();

        (await act.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().Contain("api_key").And.NotContain(token);
        (await File.ReadAllBytesAsync(settingsStore.FilePath)).Should().Equal(before);
        (await profiles.ListAsync()).Should().BeEmpty();
    }

    [TestCase("{ not json", "not valid JSON")]
    [TestCase("[1, 2]", "not an object")]
    [TestCase("""{"schema_version": 3}""", "newer than supported")]
    [TestCase("""{"schema_version": "2"}""", "must be an integer")]
    [TestCase("""{"agent_settings": {"schema_version": 6}}""", "newer than supported")]
    [TestCase("""{"agent_settings": []}""", "agent_settings")]
    [TestCase("""{"agent_settings": {"llm": "gpt"}}""", "agent_settings.llm")]
    [TestCase("""{"agent_settings": {"tool_concurrency_limit": 0}}""", "tool_concurrency_limit")]
    [TestCase("""{"conversation_settings": {"max_iterations": 0}}""", "max_iterations")]
    [TestCase("""{"active_profile": "../etc"}""", "active_profile")]
    [TestCase("""{"agent_settings": {"llm": {"model": "m", "temperature": "hot"}}}""", "temperature")]
    public async Task LoadAsync_InvalidFile_ThrowsInvalidSettingsAndLeavesFile(string content, string expected)
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await File.WriteAllTextAsync(settingsStore.FilePath, content);

        var act = () => settingsStore.LoadAsync();

        (await act.Should().ThrowAsync<InvalidSettingsException>()).Which.Message.Should().Contain(expected).And.Contain(settingsStore.FilePath);
        (await File.ReadAllTextAsync(settingsStore.FilePath)).Should().Be(content);
        (await profiles.ListAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task ActivateProfileAsync_ExistingProfile_StoresOnlyThePointer()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        await profiles.SaveAsync("fast", new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-activate-one") });

        var settings = await settingsStore.ActivateProfileAsync(ProfileName.Create("fast"));

        settings.ActiveProfile.Should().Be(ProfileName.Create("fast"));
        var text = await File.ReadAllTextAsync(settingsStore.FilePath);
        text.Should().Contain("\"active_profile\": \"fast\"").And.NotContain("gpt-4o-mini").And.NotContain("sk-test-activate-one");
        (await settingsStore.GetLlmApiKeyIsSetAsync()).Should().BeTrue();
    }

    [Test]
    public async Task ActivateProfileAsync_MissingProfile_ThrowsAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, _) = CreateStores(dir);

        var act = () => settingsStore.ActivateProfileAsync(ProfileName.Create("ghost"));

        await act.Should().ThrowAsync<ProfileNotFoundException>().WithMessage("*'ghost'*");
        File.Exists(settingsStore.FilePath).Should().BeFalse();
    }

    [Test]
    public async Task GetLlmApiKeyIsSetAsync_ActiveProfileWithoutKey_IsFalse()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, profiles) = CreateStores(dir);
        (await settingsStore.GetLlmApiKeyIsSetAsync()).Should().BeFalse("nothing is active");
        await profiles.SaveAsync("local", new Llm("ollama/llama3") { BaseUrl = "http://127.0.0.1:11434" });
        await settingsStore.ActivateProfileAsync(ProfileName.Create("local"));

        (await settingsStore.GetLlmApiKeyIsSetAsync()).Should().BeFalse();
    }

    [Test]
    public async Task UpdateAsync_RoundTrip_KeepsUnknownFieldsAndTools()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, _) = CreateStores(dir);
        await File.WriteAllTextAsync(settingsStore.FilePath, """
            {"schema_version": 2, "agent_settings": {"schema_version": 5, "tools": [{"name": "TerminalTool", "params": {"timeout": 30}}],
              "condenser": {"max_size": 80}, "agent_context": {"system_message_suffix": "Be brief.", "load_project_skills": true}},
             "active_agent_profile_id": "6a1f0a44-3f0b-4d8e-9d55-0c7f2c1b9e10", "extra": {"a": 1}}
            """);

        var updated = await settingsStore.UpdateAsync(s => s with
        {
            ConversationSettings = s.ConversationSettings with { MaxIterations = 7 },
            AgentSettings = s.AgentSettings with { SystemMessageSuffix = "Be precise." },
        });

        updated.AgentSettings.Tools!.Value.Should().ContainSingle().Which.Name.Should().Be("TerminalTool");
        var reloaded = await settingsStore.LoadAsync();
        reloaded.ConversationSettings.MaxIterations.Should().Be(7);
        reloaded.AgentSettings.SystemMessageSuffix.Should().Be("Be precise.");
        reloaded.ActiveAgentProfileId.Should().Be("6a1f0a44-3f0b-4d8e-9d55-0c7f2c1b9e10");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(settingsStore.FilePath))!;
        json["extra"]!["a"]!.GetValue<int>().Should().Be(1);
        json["agent_settings"]!["condenser"]!["max_size"]!.GetValue<int>().Should().Be(80);
        json["agent_settings"]!["agent_context"]!["load_project_skills"]!.GetValue<bool>().Should().BeTrue();
        json["agent_settings"]!["tools"]![0]!["params"]!["timeout"]!.GetValue<int>().Should().Be(30);
    }

    [Test]
    public async Task LoadAsync_MissingFile_ReturnsDefaultsWithoutWriting()
    {
        using var dir = TempDirectory.Create();
        var (settingsStore, _) = CreateStores(dir);

        var settings = await settingsStore.LoadAsync();

        settings.ActiveProfile.Should().BeNull();
        settings.ConversationSettings.MaxIterations.Should().Be(500);
        File.Exists(settingsStore.FilePath).Should().BeFalse();
    }

    private static (SettingsStore Settings, LlmProfileStore Profiles) CreateStores(TempDirectory dir, Cipher? cipher = null)
    {
        var profiles = new LlmProfileStore(new LlmProfileStoreOptions { Directory = dir.Combine("profiles") }, cipher);
        return (new SettingsStore(new SettingsStoreOptions { Directory = dir.Path }, profiles, cipher), profiles);
    }

    private static JsonNode? Evaluate(JsonNode? node, string dotted)
    {
        foreach (var part in dotted.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node;
    }
}
