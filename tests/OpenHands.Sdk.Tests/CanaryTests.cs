using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests;

/// <summary>
/// Invariant 1: a key written through every public path ends up only in its profile (or, with a cipher, nowhere in
/// plaintext), and never in settings, logs, exception messages or <c>ToString()</c>.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Canary")]
public sealed class CanaryTests
{
    public static IEnumerable<TestCaseData> Modes()
    {
        yield return new TestCaseData(false).SetArgDisplayNames("plaintext store");
        yield return new TestCaseData(true).SetArgDisplayNames("encrypting store");
    }

    [TestCaseSource(nameof(Modes))]
    public async Task CanaryKey_ThroughEveryProfileAndSettingsPath_IsOnlyInItsProfile(bool encrypt)
    {
        var key = "sk-test-CANARY-" + Guid.NewGuid().ToString("N");
        var cipher = encrypt ? new Cipher("canary-cipher-" + Guid.NewGuid().ToString("N")) : null;
        using var root = TempDirectory.Create();
        using var logs = new CollectingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        var store = new LlmProfileStore(new() { Directory = root.Combine("profiles") }, cipher, loggerFactory);
        var settings = new SettingsStore(new() { Directory = root.Path }, store, cipher, loggerFactory);
        var materializer = new ProfileMaterializer(store, loggerFactory);
        var resolver = new ProfileResolver(store, settings);
        var texts = new List<string>(); // every ToString() and message that a user or a log could see

        // A legacy settings.json (as the Python SDK wrote it) embeds the LLM with its key: migrated into a profile.
        var legacyKey = cipher is null ? key : cipher.Encrypt(key);
        File.WriteAllText(settings.FilePath, LegacySettings(legacyKey));
        var migrated = await settings.LoadAsync();
        migrated.ActiveProfile.Should().Be(ProfileName.Default);
        File.ReadAllText(settings.FilePath).Should().NotContain(key).And.NotContain("api_key");
        texts.Add(migrated.ToString());

        // A raw Llm built in code crosses the boundary: equal → nothing written; changed → a profile of its own (Default is kept).
        var raw = new Llm("openai/gpt-4o") { ApiKey = new SecretString(key), UsageId = "canary" };
        texts.Add(raw.ToString());
        var reference = await materializer.MaterializeAsync(raw);
        reference.Name.Should().Be(ProfileName.Default);
        reference = await materializer.MaterializeAsync(raw with { Temperature = 0.3 });
        reference.Name.Should().NotBe(ProfileName.Default);
        texts.Add(reference.ToString());

        // Settings: save with the reference, activate (a pointer), update.
        await settings.SaveAsync(migrated with { AgentSettings = migrated.AgentSettings with { LlmProfile = reference } });
        await settings.ActivateProfileAsync(reference.Name);
        var updated = await settings.UpdateAsync(s => s with
        {
            ConversationSettings = s.ConversationSettings with { MaxIterations = 99 },
            AgentSettings = s.AgentSettings with { SystemMessageSuffix = "Be brief." },
        });
        texts.Add(updated.ToString());
        (await settings.GetLlmApiKeyIsSetAsync()).Should().BeTrue();

        // Resolve, save back, rename, re-activate, resolve again, list.
        var resolved = await resolver.ResolveAsync((ProfileReference?)null);
        resolved.ApiKey!.Reveal().Should().Be(key);
        resolved.Temperature.Should().Be(0.3);
        texts.Add(resolved.ToString());
        await store.SaveAsync(ProfileName.Default, resolved);
        await materializer.MaterializeAsync(resolved);
        await store.RenameAsync("Default", "Canary");
        await settings.ActivateProfileAsync(ProfileName.Create("Canary"));
        var renamed = await resolver.ResolveAsync("Canary");
        renamed.ApiKey!.Reveal().Should().Be(key);
        texts.Add(renamed.ToString());
        texts.Add(JsonSerializer.Serialize(renamed.ApiKey));
        var summaries = await store.ListSummariesAsync();
        summaries.Select(s => s.Name).Should().BeEquivalentTo([ProfileName.Create("Canary"), reference.Name]);
        summaries.Should().OnlyContain(s => s.ApiKeySet);
        texts.AddRange(summaries.Select(s => s.ToString()));
        texts.Add((await settings.LoadAsync()).ToString());

        // Failures near the key: their messages must not carry it (nor a token of it).
        texts.AddRange(await ProvokeErrorsAsync(root, store, key, loggerFactory));

        // Where the key is at rest: the profiles, and the migration's backup of the legacy file (the untouched original, 0600).
        var backup = settings.FilePath + ".bak";
        FilesContaining(root.Path, legacyKey).Should().Contain(backup);
        var holders = FilesContaining(root.Path, key).Where(f => f != backup).ToList();
        var profilePaths = new[] { store.GetPath(ProfileName.Create("Canary")), store.GetPath(reference.Name) };
        if (cipher is null)
        {
            holders.Should().BeEquivalentTo(profilePaths, "the profiles are the only files that hold the key");
        }
        else
        {
            holders.Should().BeEmpty("with a cipher the key is stored only as a token");
            var profilePath = profilePaths[0];
            using var document = JsonDocument.Parse(File.ReadAllBytes(profilePath));
            var token = document.RootElement.GetProperty("api_key").GetString()!;
            token.Should().StartWith(Cipher.TokenPrefix);
            cipher.Decrypt(token).Should().Be(key);
            FilesContaining(root.Path, token).Where(f => f != backup).Should().Equal([profilePath]);
            texts.Should().NotContain(t => t.Contains(token, StringComparison.Ordinal), "no message shows the stored token");
        }

        File.ReadAllText(settings.FilePath).Should().NotContain("gAAAAA").And.NotContain("\"model\"");
        texts.Should().NotBeEmpty().And.NotContain(t => t.Contains(key, StringComparison.Ordinal), "no ToString() or message shows the key");
        logs.Entries.Should().NotBeEmpty("the stores log their work");
        logs.Entries.Should().NotContain(e => e.Contains(key, StringComparison.Ordinal), "no log entry shows the key");
        if (cipher is not null)
        {
            logs.Entries.Should().NotContain(e => e.Contains(Cipher.TokenPrefix, StringComparison.Ordinal), "no log entry shows a token");
        }
    }

    [Test]
    public void CanaryKey_InSecretStringAndLlm_NeverPrintsItself()
    {
        var key = "sk-test-CANARY-" + Guid.NewGuid().ToString("N");
        var secret = new SecretString(key);
        var llm = new Llm("openai/gpt-4o")
        {
            ApiKey = secret,
            AwsAccessKeyId = new SecretString(key + "-id"),
            AwsSecretAccessKey = new SecretString(key + "-aws"),
            AwsSessionToken = new SecretString(key + "-session"),
        };

        secret.ToString().Should().Be("**********");
        $"{secret}".Should().Be("**********");
        JsonSerializer.Serialize(secret).Should().Be("\"**********\"");
        llm.ToString().Should().NotContain(key);
        new ProfileReference(ProfileName.Default).ToString().Should().NotContain(key);
    }

    /// <summary>
    /// Provokes the typed errors that happen around a key, outside the persistence folder except for reads,
    /// and returns their messages and full <c>ToString()</c> (stack traces and inner exceptions included).
    /// </summary>
    private static async Task<List<string>> ProvokeErrorsAsync(TempDirectory root, LlmProfileStore store, string key, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        var texts = new List<string>();
        var persistenceBefore = FolderSnapshot.Take(root.Path);
        using var scratch = TempDirectory.Create();
        var saver = new LlmProfileStore(new() { Directory = scratch.Combine("encrypted") }, new Cipher("the-right-key"), loggerFactory);
        await saver.SaveAsync("locked", new Llm("openai/gpt-4o") { ApiKey = new SecretString(key) });

        // The same profile read with another key, and with no key at all.
        var wrongKey = new LlmProfileStore(new() { Directory = saver.Directory }, new Cipher("the-wrong-key"), loggerFactory);
        var noKey = new LlmProfileStore(new() { Directory = saver.Directory }, cipher: null, loggerFactory);
        texts.Add(await CaptureAsync<SecretDecryptionException>(() => wrongKey.LoadAsync("locked")));
        texts.Add(await CaptureAsync<SecretDecryptionException>(() => noKey.LoadAsync("locked")));
        texts.Add(await CaptureAsync<SecretDecryptionException>(() => new ProfileMaterializer(wrongKey, loggerFactory).MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString(key) }, "locked")));
        texts.AddRange((await wrongKey.ListSummariesAsync()).Select(s => s.ToString()));

        // Corrupt profiles that hold the key in clear.
        var corrupt = new LlmProfileStore(new() { Directory = scratch.Combine("corrupt") }, cipher: null, loggerFactory);
        File.WriteAllText(corrupt.GetPath(ProfileName.Create("typed")), $$"""{"model": "m", "api_key": "{{key}}", "temperature": "hot"}""");
        File.WriteAllText(corrupt.GetPath(ProfileName.Create("truncated")), $$"""{"model": "m", "api_key": "{{key}}" """);
        File.WriteAllText(corrupt.GetPath(ProfileName.Create("keyinrange")), $$"""{"model": "m", "reasoning_summary": "{{key}}"}""");
        File.WriteAllText(corrupt.GetPath(ProfileName.Create("keyasnumber")), $$"""{"model": "m", "num_retries": "{{key}}"}""");
        texts.Add(await CaptureAsync<InvalidProfileException>(() => corrupt.LoadAsync("typed")));
        texts.Add(await CaptureAsync<InvalidProfileException>(() => corrupt.LoadAsync("truncated")));
        // A key pasted into a non-secret field: the message does not repeat it (the inner ArgumentOutOfRangeException's
        // ActualValue does, as for any out-of-range value: the SDK cannot know that this text is a secret).
        texts.Add(await CaptureAsync<InvalidProfileException>(() => corrupt.LoadAsync("keyinrange"), messageOnly: true));
        texts.Add(await CaptureAsync<InvalidProfileException>(() => corrupt.LoadAsync("keyasnumber")));
        (await corrupt.ListSummariesAsync()).Should().BeEmpty();

        // Legacy settings whose embedded LLM is invalid, or whose key was encrypted with another key.
        var badSettingsDir = scratch.Combine("settings-invalid");
        Directory.CreateDirectory(badSettingsDir);
        File.WriteAllText(Path.Combine(badSettingsDir, SettingsStore.FileName), LegacySettings(key, extraLlmField: "\"num_retries\": -1"));
        var badSettings = new SettingsStore(new() { Directory = badSettingsDir }, corrupt, cipher: null, loggerFactory);
        texts.Add(await CaptureAsync<InvalidSettingsException>(() => badSettings.LoadAsync()));

        var lockedSettingsDir = scratch.Combine("settings-locked");
        Directory.CreateDirectory(lockedSettingsDir);
        File.WriteAllText(Path.Combine(lockedSettingsDir, SettingsStore.FileName), LegacySettings(new Cipher("another-key").Encrypt(key)));
        var lockedSettings = new SettingsStore(new() { Directory = lockedSettingsDir }, wrongKey, new Cipher("the-wrong-key"), loggerFactory);
        texts.Add(await CaptureAsync<SecretDecryptionException>(() => lockedSettings.LoadAsync()));

        // Reading the real profile with a wrong key changes nothing in the persistence folder.
        var intruder = new LlmProfileStore(new() { Directory = store.Directory }, new Cipher("not-the-store-key"), loggerFactory);
        if (store.EncryptsSecrets)
        {
            texts.Add(await CaptureAsync<SecretDecryptionException>(() => intruder.LoadAsync("Canary")));
        }

        persistenceBefore.ShouldBeUnchanged("failed reads change nothing");
        return texts;
    }

    private static async Task<string> CaptureAsync<TException>(Func<Task> act, bool messageOnly = false)
        where TException : Exception
    {
        var error = (await act.Should().ThrowAsync<TException>()).Which;
        return messageOnly ? error.Message : error.Message + "\n" + error;
    }

    private static List<string> FilesContaining(string folder, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string LegacySettings(string apiKey, string? extraLlmField = null) => $$"""
        {
          "schema_version": 2,
          "agent_settings": {
            "schema_version": 3,
            "agent_kind": "openhands",
            "llm": {
              "model": "openai/gpt-4o",
              "api_key": "{{apiKey}}",
              {{(extraLlmField is null ? string.Empty : extraLlmField + ",")}}
              "usage_id": "agent"
            },
            "tools": [{"name": "TerminalTool", "params": {} }]
          },
          "conversation_settings": {"schema_version": 1, "max_iterations": 240, "confirmation_mode": false, "security_analyzer": "llm"},
          "active_profile": null,
          "misc_settings": {"theme": "dark"}
        }
        """;
}
