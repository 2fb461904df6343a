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
        toDatabase.Stdout.Should().Contain("1 LLM profile(s), 1 provider connection(s), the settings, 1 agent profile(s) and 0 conversation(s)");
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

    [Test]
    public async Task Copy_Conversations_FileToDatabaseToFile_LeavesEveryFileWithTheSameJson_UnknownFieldsKept()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartNewAsync();
        using var source = TempHome.Create();
        using var target = TempHome.Create();
        await RunCommandTests.AddProfileAsync(source, llm, "fake", "sk-test-copy");
        (await CliRunner.InProcessAsync(source, ["agent-profiles", "add", "reviewer", "--llm-profile", "fake", "--tool", "terminal"])).Exit.Should().Be(0);
        llm.Enqueue(FakeReply.ToolCall("terminal", """{"command": "echo copied"}"""), FakeReply.ToolCall("finish", """{"message": "Done."}"""));
        (await CliRunner.InProcessAsync(source, ["run", "Echo something"])).Exit.Should().Be(0);
        llm.Enqueue(FakeReply.Text("Second answer."));
        (await CliRunner.InProcessAsync(source, ["run", "Answer something"])).Exit.Should().Be(0);
        var folders = Directory.GetDirectories(source.Combine("conversations"));
        folders.Should().HaveCount(2);
        var events = Directory.GetFiles(Path.Combine(folders[0], "events"));
        AddField(source.Combine("profiles", "fake.json"), "future_profile_field");
        AddField(Path.Combine(folders[0], "base_state.json"), "future_state_field");
        AddField(events[^1], "future_event_field");
        File.WriteAllText(Path.Combine(folders[0], "meta.json"), """{"title": "Copied", "tags": {"team": "a"}, "future_meta_field": [1, 2.50]}""");

        var toDatabase = await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url]);
        var back = await CliRunner.InProcessAsync(target, ["store", "copy", "--from", database.Url, "--to", target.Home]);

        toDatabase.Exit.Should().Be(0, toDatabase.ToString());
        toDatabase.Stdout.Should().Contain("1 agent profile(s) and 2 conversation(s)");
        back.Exit.Should().Be(0, back.ToString());
        (await database.QueryAsync("SELECT count(*) FROM conversation_events")).Single().Should().Be(
            Directory.GetFiles(source.Combine("conversations"), "*.json", SearchOption.AllDirectories).Count(f => f.Contains("event-", StringComparison.Ordinal)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "every event is a row");
        (await database.QueryAsync("SELECT document FROM conversation_events")).Should().ContainSingle(d => d.Contains("future_event_field"));
        (await database.QueryAsync("SELECT metadata FROM conversations WHERE metadata IS NOT NULL")).Single().Should().Contain("future_meta_field");
        var copied = StoredFiles(target.Combine("conversations"));
        copied.Keys.Should().BeEquivalentTo(StoredFiles(source.Combine("conversations")).Keys, "the same conversation files, by name");
        foreach (var (file, json) in StoredFiles(source.Combine("conversations")))
        {
            JsonNode.DeepEquals(json, copied[file]).Should().BeTrue($"{file} has the same JSON after the round trip");
        }

        foreach (var file in new[] { "profiles/fake.json", "agent-profiles/reviewer.json" })
        {
            JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(source.Combine(file.Split('/')))), JsonNode.Parse(File.ReadAllText(target.Combine(file.Split('/')))))
                .Should().BeTrue($"{file} has the same JSON after the round trip");
        }

        var show = await CliRunner.InProcessAsync(target, ["conversations", "show", Path.GetFileName(folders[1])]);
        show.Exit.Should().Be(0, show.ToString());
        (toDatabase.All + back.All).Should().NotContain("sk-test-copy");
    }

    [Test]
    public async Task Copy_DamagedConversation_IsRefusedWithItsFileNamed_AndNothingIsWritten()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartNewAsync();
        using var source = TempHome.Create();
        await RunCommandTests.AddProfileAsync(source, llm, "fake", "sk-test-copy");
        llm.Enqueue(FakeReply.Text("An answer."));
        (await CliRunner.InProcessAsync(source, ["run", "Answer something"])).Exit.Should().Be(0);
        var folder = Directory.GetDirectories(source.Combine("conversations")).Single();
        var events = Directory.GetFiles(Path.Combine(folder, "events")).Order(StringComparer.Ordinal).ToArray();
        File.WriteAllText(events[1], "{\"kind\": \"MessageEvent\", \"id\": ");

        var copy = await CliRunner.InProcessAsync(source, ["store", "copy", "--from", source.Home, "--to", database.Url]);

        copy.Exit.Should().NotBe(0, copy.ToString());
        copy.Stderr.Should().Contain(Path.GetFileName(folder)).And.Contain(Path.GetFileName(events[1])).And.Contain("nothing was written");
        var tables = await database.QueryAsync("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
        if (tables.Contains("conversations"))
        {
            (await database.QueryAsync("SELECT (SELECT count(*) FROM llm_profiles) + (SELECT count(*) FROM conversations)")).Single().Should().Be("0", "nothing was written");
        }
    }

    private static void AddField(string path, string name)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        node[name] = new JsonObject { ["kept"] = 1.50m, ["list"] = new JsonArray("a", null) };
        File.WriteAllText(path, node.ToJsonString());
    }

    /// <summary>Every JSON file under a conversations folder by its relative path (crash leftovers aside).</summary>
    private static Dictionary<string, JsonNode?> StoredFiles(string folder) =>
        Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => JsonNode.Parse(File.ReadAllText(f)), StringComparer.Ordinal);
}
