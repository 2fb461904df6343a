using System.Text.Json;
using OpenHands.Cli.Tests.Support;

namespace OpenHands.Cli.Tests;

[Parallelizable(ParallelScope.All)]
public sealed class ProfilesCommandTests
{
    private const string Key = "sk-test-profiles-one";

    [Test]
    public async Task Add_WithKeyOnStdin_StoresKeyInProfileOnlyAndActivatesFirstProfile()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "openai/gpt-fast", "--base-url", "http://127.0.0.1:9/v1", "--api-key-stdin"], stdin: Key + "\n");

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("Saved profile 'fast'").And.Contain("Activated 'fast'");
        result.All.Should().NotContain(Key);
        File.ReadAllText(home.Combine("profiles", "fast.json")).Should().Contain(Key);
        File.ReadAllText(home.Combine("settings.json")).Should().Contain("\"active_profile\": \"fast\"").And.NotContain(Key);
    }

    [Test]
    public async Task Add_SecondProfile_KeepsTheActiveOne()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "a", "--model", "m1"]);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", "b", "--model", "m2"]);

        result.Exit.Should().Be(0);
        result.Stdout.Should().NotContain("Activated");
        (await ListJsonAsync(home)).GetProperty("active_profile").GetString().Should().Be("a");
    }

    [Test]
    public async Task Add_StdinNotATerminalWithoutKeyFlag_StoresNoKeyAndSaysHowToAddOne()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", "local", "--model", "ollama/llama3"]);

        result.Exit.Should().Be(0);
        result.Stdout.Should().Contain("no API key");
        result.Stderr.Should().Contain("--api-key-stdin");
        File.ReadAllText(home.Combine("profiles", "local.json")).Should().NotContain("api_key\": \"");
    }

    [Test]
    public async Task Add_ExistingNameWithoutForce_ExitsTwoAndKeepsTheProfile()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "m1"]);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "m2"]);
        var forced = await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "m3", "--force"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("--force");
        forced.Exit.Should().Be(0);
        File.ReadAllText(home.Combine("profiles", "fast.json")).Should().Contain("\"m3\"");
    }

    [TestCase("bad name")]
    [TestCase("-dash")]
    [TestCase("x.json.json")]
    public async Task Add_InvalidName_ExitsTwoWithOneLineFix(string name)
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", name, "--model", "m"]);

        result.Exit.Should().Be(2);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain("Fix:");
        home.AllFiles().Should().NotContain(f => f.Relative.EndsWith(".json"));
    }

    [Test]
    public async Task Show_WithoutReveal_HidesTheKeyInTextAndJson()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "openai/gpt-fast", "--api-key-stdin"], stdin: Key);

        var text = await CliRunner.InProcessAsync(home, ["profiles", "show", "fast"]);
        var json = await CliRunner.InProcessAsync(home, ["profiles", "show", "fast", "--json"]);

        text.Exit.Should().Be(0);
        text.Stdout.Should().Contain("model: openai/gpt-fast").And.Contain("api_key: **********").And.Contain("(active)").And.NotContain(Key);
        json.Exit.Should().Be(0);
        using var doc = JsonDocument.Parse(json.Stdout);
        doc.RootElement.GetProperty("llm").GetProperty("api_key").GetString().Should().Be("**********");
        doc.RootElement.GetProperty("active").GetBoolean().Should().BeTrue();
        json.All.Should().NotContain(Key);
    }

    [Test]
    public async Task Show_WithReveal_PrintsTheKey()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "m", "--api-key-stdin"], stdin: Key);

        var text = await CliRunner.InProcessAsync(home, ["profiles", "show", "fast", "--reveal"]);
        var json = await CliRunner.InProcessAsync(home, ["profiles", "show", "fast", "--json", "--reveal"]);

        text.Stdout.Should().Contain("api_key: " + Key);
        JsonDocument.Parse(json.Stdout).RootElement.GetProperty("llm").GetProperty("api_key").GetString().Should().Be(Key);
    }

    [Test]
    public async Task Show_MissingProfile_ExitsTwoNamingTheProfilesThatExist()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "m"]);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "show", "slow"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("'slow' not found").And.Contain("fast").And.Contain("openhands profiles add slow");
    }

    [Test]
    public async Task List_TextAndJson_MarkTheActiveProfile()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "a", "--model", "m-a", "--api-key-stdin"], stdin: Key);
        await CliRunner.InProcessAsync(home, ["profiles", "add", "b", "--model", "m-b", "--base-url", "http://127.0.0.1:9/v1"]);

        var text = await CliRunner.InProcessAsync(home, ["profiles", "list"]);
        var json = await ListJsonAsync(home);

        text.Stdout.Split('\n').Should().Contain(l => l.StartsWith('*') && l.Contains("m-a") && l.Contains("set"));
        text.Stdout.Should().Contain("http://127.0.0.1:9/v1").And.NotContain(Key);
        json.GetProperty("active_profile").GetString().Should().Be("a");
        json.GetProperty("profiles").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("api_key_set").GetBoolean(), p.GetProperty("active").GetBoolean()))
            .Should().Equal(("a", true, true), ("b", false, false));
    }

    [Test]
    public async Task List_NoProfiles_SaysHowToAddOne()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["profiles", "list"]);

        result.Exit.Should().Be(0);
        result.Stdout.Should().Contain("No profiles").And.Contain("openhands profiles add");
    }

    [Test]
    public async Task Rename_ActiveProfile_MovesTheActivePointer()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "old", "--model", "m"]);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "rename", "old", "new"]);

        result.Exit.Should().Be(0, result.ToString());
        File.Exists(home.Combine("profiles", "new.json")).Should().BeTrue();
        File.Exists(home.Combine("profiles", "old.json")).Should().BeFalse();
        (await ListJsonAsync(home)).GetProperty("active_profile").GetString().Should().Be("new");
    }

    [Test]
    public async Task Rename_OntoExistingProfile_ExitsTwo()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "a", "--model", "m"]);
        await CliRunner.InProcessAsync(home, ["profiles", "add", "b", "--model", "m"]);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "rename", "a", "b"]);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("Fix:");
    }

    [Test]
    public async Task Remove_ActiveProfile_DeletesItAndClearsThePointer()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "a", "--model", "m"]);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "remove", "a"]);
        var again = await CliRunner.InProcessAsync(home, ["profiles", "remove", "a"]);

        result.Exit.Should().Be(0);
        File.Exists(home.Combine("profiles", "a.json")).Should().BeFalse();
        (await ListJsonAsync(home)).GetProperty("active_profile").ValueKind.Should().Be(JsonValueKind.Null);
        again.Exit.Should().Be(2);
    }

    [Test]
    public async Task Activate_ExistingAndMissing_SetsPointerOrExitsTwo()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "a", "--model", "m"]);
        await CliRunner.InProcessAsync(home, ["profiles", "add", "b", "--model", "m"]);

        var ok = await CliRunner.InProcessAsync(home, ["profiles", "activate", "b"]);
        var missing = await CliRunner.InProcessAsync(home, ["profiles", "activate", "zzz"]);

        ok.Exit.Should().Be(0);
        (await ListJsonAsync(home)).GetProperty("active_profile").GetString().Should().Be("b");
        missing.Exit.Should().Be(2);
        missing.Stderr.Should().Contain("'zzz' not found");
    }

    [Test]
    public async Task Show_WithAnotherSecretKey_ExitsTwoAndNamesOhSecretKey()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["profiles", "add", "enc", "--model", "m", "--api-key-stdin"], new() { ["OH_SECRET_KEY"] = "first-secret" }, stdin: Key);

        var result = await CliRunner.InProcessAsync(home, ["profiles", "show", "enc"], new() { ["OH_SECRET_KEY"] = "other-secret" });
        var right = await CliRunner.InProcessAsync(home, ["profiles", "show", "enc", "--reveal"], new() { ["OH_SECRET_KEY"] = "first-secret" });

        File.ReadAllText(home.Combine("profiles", "enc.json")).Should().NotContain(Key).And.Contain("gAAAAA");
        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("OH_SECRET_KEY").And.NotContain(Key);
        right.Stdout.Should().Contain(Key);
    }

    [Test]
    public async Task Show_ProfileTheServerEncryptedWithItsSessionKey_DecryptsWithSessionApiKeyAsTheServerDoes()
    {
        using var home = TempHome.Create();
        var serverSide = new OpenHands.Sdk.Profiles.LlmProfileStore(new() { Directory = home.Combine("profiles") }, new OpenHands.Sdk.Security.Cipher("sk-test-session-key"));
        await serverSide.SaveAsync(OpenHands.Sdk.Profiles.ProfileName.Create("shared"), new OpenHands.Sdk.Llms.Llm("openai/gpt-4o") { ApiKey = new OpenHands.Sdk.Security.SecretString(Key) });

        var withSessionKey = await CliRunner.InProcessAsync(home, ["profiles", "show", "shared", "--reveal"], new() { ["SESSION_API_KEY"] = "sk-test-session-key" });
        var ohSecretKeyWins = await CliRunner.InProcessAsync(home, ["profiles", "show", "shared"], new() { ["SESSION_API_KEY"] = "sk-test-session-key", ["OH_SECRET_KEY"] = "sk-test-other" });

        withSessionKey.Exit.Should().Be(0, withSessionKey.ToString());
        withSessionKey.Stdout.Should().Contain(Key);
        ohSecretKeyWins.Exit.Should().Be(2, "OH_SECRET_KEY takes precedence over the session key");
        ohSecretKeyWins.Stderr.Should().Contain("OH_SECRET_KEY");
    }

    [Test]
    public async Task Add_WithKeyAndNoSecretKeyAnywhere_StoresPlaintextWithOneWarningLine()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", "plain", "--model", "m", "--api-key-stdin"], stdin: Key);

        result.Exit.Should().Be(0, result.ToString());
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("warning:", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("plaintext").And.Contain("OH_SECRET_KEY");
        File.ReadAllText(home.Combine("profiles", "plain.json")).Should().Contain(Key);
    }

    [Test]
    public async Task Home_Option_OverridesTheEnvironment()
    {
        using var home = TempHome.Create();
        var other = Path.Combine(home.Root, "elsewhere");

        var result = await CliRunner.InProcessAsync(home, ["profiles", "add", "x", "--model", "m", "--home", other]);

        result.Exit.Should().Be(0);
        File.Exists(Path.Combine(other, "profiles", "x.json")).Should().BeTrue();
        File.Exists(home.Combine("profiles", "x.json")).Should().BeFalse();
    }

    [Test]
    public async Task AnyProfileCommand_WithLegacySettings_MigratesFirstSaysWhereAndWorks()
    {
        using var home = TempHome.Create();
        home.Write("settings.json", """{"schema_version": 2, "agent_settings": {"schema_version": 5, "llm": {"model": "m", "api_key": "sk-test-legacy-1"}}}""");

        var result = await CliRunner.InProcessAsync(home, ["profiles", "list"]);

        result.Exit.Should().Be(0, result.ToString());
        result.Stderr.Should().Contain("Moved the LLM (m)").And.Contain("'Default'").And.Contain("settings.json.bak").And.NotContain("sk-test-legacy-1");
        result.Stdout.Should().Contain("Default");
        File.ReadAllText(home.Combine("settings.json")).Should().NotContain("sk-test-legacy-1");
        File.ReadAllText(home.Combine("settings.json.bak")).Should().Contain("sk-test-legacy-1");
        (await CliRunner.InProcessAsync(home, ["profiles", "list"])).Stderr.Should().NotContain("Moved", "the migration runs once");
    }

    private static async Task<JsonElement> ListJsonAsync(TempHome home)
    {
        var result = await CliRunner.InProcessAsync(home, ["profiles", "list", "--json"]);
        result.Exit.Should().Be(0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }
}
