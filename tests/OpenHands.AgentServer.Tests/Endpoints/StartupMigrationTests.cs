using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// The server runs the SDK's one legacy-settings migration when it starts (before the first request), and derives its
/// cipher by the SDK's one rule: OH_SECRET_KEY, else the session key, as the Python agent-server does.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("AgentServer")]
public sealed class StartupMigrationTests
{
    private const string Key = "sk-test-startup-legacy";

    [Test]
    public async Task Start_LegacySettings_FirstProfilesListingAlreadyShowsTheMovedLlm()
    {
        using var dir = TempDirectory.Create();
        var original = Legacy(Key);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "settings.json"), original);

        await using var server = await TestServer.StartAsync(dir.Path);
        var list = await (await server.GetAsync("/api/profiles")).JsonAsync();

        list["profiles"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Should().Equal("Default");
        list["active_profile"]!.GetValue<string>().Should().Be("Default");
        list["profiles"]![0]!["api_key_set"]!.GetValue<bool>().Should().BeTrue();
        (await File.ReadAllTextAsync(Path.Combine(dir.Path, "settings.json.bak"))).Should().Be(original);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(dir.Path, "settings.json.bak")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        dir.AllFiles().Where(f => f.Text.Contains(Key, StringComparison.Ordinal)).Select(f => Path.GetRelativePath(dir.Path, f.Path))
            .Should().BeEquivalentTo([Path.Combine("profiles", "Default.json"), "settings.json.bak"]);
    }

    [Test]
    public async Task Start_LegacyKeyEncryptedWithAnotherKey_StartsAndSettingsRequestsNameOhSecretKey()
    {
        using var dir = TempDirectory.Create();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "settings.json"), Legacy(new Cipher("sk-test-the-old-key").Encrypt(Key)));

        await using var server = await TestServer.StartAsync(dir.Path, o => o.SecretKey = "sk-test-another-key");
        var response = await server.GetAsync("/api/settings");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("OH_SECRET_KEY");
        File.Exists(Path.Combine(dir.Path, "settings.json.bak")).Should().BeFalse("nothing is written when the key does not decrypt");
        (await server.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK, "the server still serves");
    }

    [Test]
    public async Task Start_SessionKeyAndNoSecretKey_EncryptsProfilesWithTheSessionKey()
    {
        using var dir = TempDirectory.Create();
        await using var server = await TestServer.StartAsync(dir.Path, o => o.SessionApiKeys.Add("sk-test-session-key"));

        var saved = await server.PostAsync("/api/profiles/fast", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}",
            ("X-Session-API-Key", "sk-test-session-key"));

        saved.StatusCode.Should().Be(HttpStatusCode.Created);
        var token = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "profiles", "fast.json")))!["api_key"]!.GetValue<string>();
        token.Should().StartWith(Cipher.TokenPrefix);
        new Cipher("sk-test-session-key").Decrypt(token).Should().Be(Key);
    }

    [Test]
    public async Task Start_ExplicitlyNoSecretKeyAndNoSessionKeys_StoresPlaintextWithoutFailing()
    {
        using var dir = TempDirectory.Create();
        await using var server = await TestServer.StartAsync(dir.Path);

        var saved = await server.PostAsync("/api/profiles/fast", "{\"llm\":{\"model\":\"openai/gpt-4o\",\"api_key\":\"" + Key + "\"}}");

        saved.StatusCode.Should().Be(HttpStatusCode.Created);
        (await File.ReadAllTextAsync(Path.Combine(dir.Path, "profiles", "fast.json"))).Should().Contain(Key);
    }

    private static string Legacy(string apiKey) => new JsonObject
    {
        ["schema_version"] = 2,
        ["agent_settings"] = new JsonObject { ["schema_version"] = 5, ["llm"] = new JsonObject { ["model"] = "openai/gpt-legacy", ["api_key"] = apiKey } },
        ["conversation_settings"] = new JsonObject { ["max_iterations"] = 33 },
    }.ToJsonString();
}
