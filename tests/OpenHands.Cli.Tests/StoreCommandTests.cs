using System.Text.Json.Nodes;
using OpenHands.Cli.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Cli.Tests;

/// <summary><c>openhands store copy</c> between temp folders and a database on the CI cluster (one new database per test).</summary>
[Category("PostgreSql")]
[Parallelizable(ParallelScope.All)]
public sealed class StoreCommandTests
{
    private const string SecretKey = "cli-test-secret-key-store";
    private static readonly Dictionary<string, string> Env = new() { ["OH_SECRET_KEY"] = SecretKey };

    [Test]
    public async Task Copy_FileToDatabaseToFile_LeavesTheSameJson_KeysStayEncrypted_AndNeedsNoKey()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var source = TempHome.Create();
        using var target = TempHome.Create();
        (await CliRunner.InProcessAsync(source, ["profiles", "add", "smart", "--model", "openai/gpt-smart", "--api-key-stdin"], Env, "sk-test-alpha\n")).Exit.Should().Be(0);
        (await CliRunner.InProcessAsync(source, ["profiles", "activate", "smart"], Env)).Exit.Should().Be(0);
        (await CliRunner.InProcessAsync(source, ["connections", "add", "--display-name", "Work", "--provider", "openai", "--api-key-stdin"], Env, "sk-test-conn-one\n")).Exit.Should().Be(0);
        (await CliRunner.InProcessAsync(source, ["agent-profiles", "add", "reviewer", "--llm-profile", "smart", "--tool", "terminal"], Env)).Exit.Should().Be(0);
        var profile = JsonNode.Parse(File.ReadAllText(source.Combine("profiles", "smart.json")))!.AsObject();
        profile["future_profile_field"] = new JsonObject { ["kept"] = 1.50m };
        File.WriteAllText(source.Combine("profiles", "smart.json"), profile.ToJsonString());
        var settings = JsonNode.Parse(File.ReadAllText(source.Combine("settings.json")))!.AsObject();
        settings["future_settings_field"] = "kept";
        File.WriteAllText(source.Combine("settings.json"), settings.ToJsonString());

        var toDatabase = await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url]);
        var back = await CliRunner.InProcessAsync(target, ["store", "copy", "--from", database.ConnectionString, "--to", target.Home]);

        toDatabase.Exit.Should().Be(0, toDatabase.ToString());
        toDatabase.Stdout.Should().Contain("1 LLM profile(s), 1 provider connection(s), the settings and 1 agent profile(s)").And.Contain("Conversations are not copied");
        back.Exit.Should().Be(0, back.ToString());
        foreach (var file in new[] { "profiles/smart.json", "settings.json", "agent-profiles/reviewer.json", "provider-connections/provider_connections.json" })
        {
            var copied = target.Combine(file.Split('/'));
            File.Exists(copied).Should().BeTrue(file);
            JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(source.Combine(file.Split('/')))), JsonNode.Parse(File.ReadAllText(copied)))
                .Should().BeTrue($"{file} has the same JSON after the round trip");
        }

        (await database.QueryAsync("SELECT document FROM llm_profiles")).Single().Should().Contain("future_profile_field").And.NotContain("sk-test-alpha");
        (await database.QueryAsync("SELECT api_key FROM provider_connections")).Single().Should().StartWith("gAAAAA");
        var show = await CliRunner.InProcessAsync(target, ["profiles", "show", "smart", "--reveal"], Env);
        show.All.Should().Contain("sk-test-alpha", "the copied token decrypts with the key it was written with");
        (toDatabase.All + back.All).Should().NotContain("sk-test");
    }

    [Test]
    public async Task Copy_IntoANonEmptyTarget_IsRefusedWithoutOverwrite_AndAnInvalidSourceWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var source = TempHome.Create();
        (await CliRunner.InProcessAsync(source, ["profiles", "add", "smart", "--model", "openai/gpt-smart"])).Exit.Should().Be(0);
        (await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url])).Exit.Should().Be(0);

        var again = await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url]);
        var overwrite = await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url, "--overwrite"]);
        Directory.CreateDirectory(source.Combine("agent-profiles"));
        File.WriteAllText(source.Combine("agent-profiles", "broken.json"), "{not json");
        var invalid = await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url, "--overwrite"]);

        again.Exit.Should().Be(2, again.ToString());
        again.Stderr.Should().Contain("not empty").And.Contain("--overwrite");
        overwrite.Exit.Should().Be(0, overwrite.ToString());
        invalid.Exit.Should().NotBe(0);
        invalid.Stderr.Should().Contain("broken");
        (await database.QueryAsync("SELECT count(*) FROM agent_profiles")).Single().Should().Be("0", "nothing was written");
    }
}
