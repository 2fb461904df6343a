using System.Text.Json.Nodes;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Settings;

/// <summary>
/// The one legacy-settings migration (SettingsStore.MigrateLegacyAsync, which the CLI and the server run at start): a
/// backup, the materialization policy for the embedded LLM, the key under the profile store's cipher, one line saying
/// what moved where.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Settings")]
public sealed class SettingsStoreMigrationTests
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    [Test]
    public async Task MigrateLegacyAsync_LegacyFile_ReturnsWhatMovedWhereAndKeepsTheOriginalIn0600Backup()
    {
        using var dir = TempDirectory.Create();
        var (settings, profiles) = Stores(dir);
        var original = Legacy("openai/gpt-4o", "sk-test-mig-one");
        await File.WriteAllTextAsync(settings.FilePath, original);

        var migration = await settings.MigrateLegacyAsync();

        migration.Should().NotBeNull();
        migration!.Profile.Should().Be(ProfileName.Default);
        migration.ProfileCreated.Should().BeTrue();
        migration.ActiveProfile.Should().Be(ProfileName.Default);
        migration.Model.Should().Be("openai/gpt-4o");
        migration.BackupPath.Should().Be(settings.FilePath + ".bak");
        (await File.ReadAllTextAsync(migration.BackupPath)).Should().Be(original, "the backup is the untouched original");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(migration.BackupPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        migration.ToString().Should().Contain("'Default'").And.Contain(settings.FilePath).And.Contain(migration.BackupPath).And.NotContain("sk-test");
        (await File.ReadAllTextAsync(settings.FilePath)).Should().NotContain("sk-test-mig-one").And.NotContain("\"llm\": {");
        (await profiles.LoadAsync(ProfileName.Default)).ApiKey!.Reveal().Should().Be("sk-test-mig-one");
    }

    [Test]
    public async Task MigrateLegacyAsync_NoLegacyLlmOrNoFile_ReturnsNullAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var (settings, _) = Stores(dir);

        (await settings.MigrateLegacyAsync()).Should().BeNull();
        await File.WriteAllTextAsync(settings.FilePath, """{"schema_version": 2, "active_profile": null}""");
        var before = FolderSnapshot.Take(dir.Path);
        (await settings.MigrateLegacyAsync()).Should().BeNull();

        before.ShouldBeUnchanged();
    }

    [Test]
    public async Task MigrateLegacyAsync_DifferentDefaultAndUserMadeActiveProfile_LeavesBothByteIdentical()
    {
        using var dir = TempDirectory.Create();
        var (settings, profiles) = Stores(dir);
        await profiles.SaveAsync(ProfileName.Default, new Llm("openai/default-model") { ApiKey = new SecretString("sk-test-default") });
        await profiles.SaveAsync("mine", new Llm("openai/my-model") { ApiKey = new SecretString("sk-test-mine") });
        Age(profiles);
        var before = FolderSnapshot.Take(profiles.Directory);
        await File.WriteAllTextAsync(settings.FilePath, Legacy("openai/legacy-model", "sk-test-legacy", active: "mine"));

        var migration = (await settings.MigrateLegacyAsync())!;

        migration.Profile.Should().NotBe(ProfileName.Default).And.NotBe(ProfileName.Create("mine"));
        migration.ActiveProfile.Should().Be(ProfileName.Create("mine"), "an existing active profile stays active");
        foreach (var (file, (bytes, written)) in before.Files)
        {
            File.ReadAllBytes(Path.Combine(profiles.Directory, file)).Should().Equal(bytes, "{0} is not touched", file);
            File.GetLastWriteTimeUtc(Path.Combine(profiles.Directory, file)).Should().Be(written);
        }

        (await profiles.LoadAsync(migration.Profile)).ApiKey!.Reveal().Should().Be("sk-test-legacy");
    }

    [Test]
    public async Task MigrateLegacyAsync_TwoDifferentLegacyLlms_GiveTwoProfilesAndTwoBackups()
    {
        using var dir = TempDirectory.Create();
        var (settings, profiles) = Stores(dir);
        await File.WriteAllTextAsync(settings.FilePath, Legacy("openai/gpt-4o", "sk-test-one"));
        var first = (await settings.MigrateLegacyAsync())!;
        await File.WriteAllTextAsync(settings.FilePath, Legacy("openai/gpt-4o", "sk-test-two"));   // another legacy file dropped in later

        var second = (await settings.MigrateLegacyAsync())!;

        second.Profile.Should().NotBe(first.Profile);
        second.BackupPath.Should().NotBe(first.BackupPath, "an older backup is never overwritten");
        (await File.ReadAllTextAsync(first.BackupPath)).Should().Contain("sk-test-one");
        (await File.ReadAllTextAsync(second.BackupPath)).Should().Contain("sk-test-two");
        (await profiles.LoadAsync(first.Profile)).ApiKey!.Reveal().Should().Be("sk-test-one");
        (await profiles.LoadAsync(second.Profile)).ApiKey!.Reveal().Should().Be("sk-test-two");
    }

    [Test]
    public async Task MigrateLegacyAsync_SameLegacyLlmTwice_OneProfileWrittenOnce()
    {
        using var dir = TempDirectory.Create();
        var store = new CountingStore(new LlmProfileStore(new() { Directory = dir.Combine("profiles") }));
        var settings = new SettingsStore(new() { Directory = dir.Path }, store);
        var legacy = Legacy("openai/gpt-4o", "sk-test-twice", usageId: "agent");
        await File.WriteAllTextAsync(settings.FilePath, legacy);
        await settings.MigrateLegacyAsync();
        Age(dir.Combine("profiles"));
        var before = FolderSnapshot.Take(dir.Combine("profiles"));
        await File.WriteAllTextAsync(settings.FilePath, legacy.Replace("\"agent\"", "\"other-label\"", StringComparison.Ordinal));

        var again = (await settings.MigrateLegacyAsync())!;

        again.ProfileCreated.Should().BeFalse();
        again.Profile.Should().Be(ProfileName.Default);
        store.Saves.Should().Be(1);
        before.ShouldBeUnchanged("the equal profile is reused");
    }

    [Test]
    public async Task MigrateLegacyAsync_WithCipher_StoresTheKeyEncryptedWithTheProfileStoresCipher()
    {
        using var dir = TempDirectory.Create();
        var cipher = new Cipher("sk-test-migration-cipher");
        var (settings, profiles) = Stores(dir, cipher);
        await File.WriteAllTextAsync(settings.FilePath, Legacy("openai/gpt-4o", "sk-test-plain-legacy"));

        var migration = (await settings.MigrateLegacyAsync())!;

        var token = JsonNode.Parse(await File.ReadAllTextAsync(profiles.GetPath(migration.Profile)))!["api_key"]!.GetValue<string>();
        token.Should().StartWith(Cipher.TokenPrefix);
        cipher.Decrypt(token).Should().Be("sk-test-plain-legacy");
        dir.AllFiles().Where(f => f.Text.Contains("sk-test-plain-legacy", StringComparison.Ordinal)).Select(f => f.Path)
            .Should().Equal([migration.BackupPath], "only the untouched original still holds it");
    }

    [Test]
    public async Task MigrateLegacyAsync_KeyEncryptedWithAnotherKey_ThrowsNamingOhSecretKeyAndChangesNothing()
    {
        using var dir = TempDirectory.Create();
        var (settings, _) = Stores(dir, new Cipher("sk-test-not-this-one"));
        await File.WriteAllTextAsync(settings.FilePath, Legacy("openai/gpt-4o", new Cipher("sk-test-the-right-one").Encrypt("sk-test-hidden")));
        await File.WriteAllTextAsync(dir.Combine(".settings.lock"), string.Empty);   // the lock file is not data
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => settings.MigrateLegacyAsync();

        (await act.Should().ThrowAsync<SecretDecryptionException>()).Which.Message.Should().Contain("OH_SECRET_KEY");
        before.ShouldBeUnchanged("everything is checked before the first write (no backup, no profile)");
    }

    [Test]
    public async Task MigrateLegacyAsync_Migrated_LogsOneLineSayingWhatMovedWhere()
    {
        using var dir = TempDirectory.Create();
        using var logs = new CollectingLoggerProvider();
        using var factory = logs.CreateFactory();
        var profiles = new LlmProfileStore(new() { Directory = dir.Combine("profiles") }, loggerFactory: factory);
        var settings = new SettingsStore(new() { Directory = dir.Path }, profiles, loggerFactory: factory);
        await File.WriteAllTextAsync(settings.FilePath, Legacy("openai/gpt-4o", "sk-test-logged"));

        await settings.MigrateLegacyAsync();

        logs.Lines.Where(l => l.Contains("Moved the LLM", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("'Default'").And.Contain(".bak");
        logs.Text.Should().NotContain("sk-test-logged");
    }

    private static string Legacy(string model, string key, string? active = null, string usageId = "agent")
    {
        var root = new JsonObject
        {
            ["schema_version"] = 1,
            ["agent_settings"] = new JsonObject { ["llm"] = new JsonObject { ["model"] = model, ["api_key"] = key, ["usage_id"] = usageId } },
            ["conversation_settings"] = new JsonObject { ["max_iterations"] = 9 },
            ["active_profile"] = active,
        };
        return root.ToJsonString();
    }

    private static void Age(LlmProfileStore profiles) => Age(profiles.Directory);

    private static void Age(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
        }
    }

    private static (SettingsStore Settings, LlmProfileStore Profiles) Stores(TempDirectory dir, Cipher? cipher = null)
    {
        var profiles = new LlmProfileStore(new() { Directory = dir.Combine("profiles") }, cipher);
        return (new SettingsStore(new() { Directory = dir.Path }, profiles, cipher), profiles);
    }
}
