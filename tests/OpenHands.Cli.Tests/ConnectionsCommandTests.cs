using System.Text.Json;
using OpenHands.Cli.Tests.Support;

namespace OpenHands.Cli.Tests;

/// <summary><c>openhands connections …</c> and <c>openhands keys rotate</c> on a temp home: real files, the key never printed.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ConnectionsCommandTests
{
    private const string SecretKey = "cli-test-secret-key";
    private static readonly Dictionary<string, string> Env = new() { ["OH_SECRET_KEY"] = SecretKey };

    private static string ConnectionsFile(TempHome home) => home.Combine("provider-connections", "provider_connections.json");

    [Test]
    public async Task Add_StoresTheKeyEncrypted_PrintsTheId_ListNeverShowsTheKey()
    {
        using var home = TempHome.Create();

        var add = await CliRunner.InProcessAsync(home, ["connections", "add", "--display-name", "Work", "--provider", "anthropic", "--base-url", "http://127.0.0.1:9/v1", "--api-key-stdin"], Env, "sk-test-conn-one\n");
        var list = await CliRunner.InProcessAsync(home, ["connections", "list", "--json"], Env);
        var text = await CliRunner.InProcessAsync(home, ["connections", "list"], Env);

        add.Exit.Should().Be(0, add.ToString());
        var id = add.Stdout.Trim();
        id.Should().NotBeEmpty();
        File.ReadAllText(ConnectionsFile(home)).Should().Contain(id).And.NotContain("sk-test-conn-one");
        list.Exit.Should().Be(0, list.ToString());
        using var doc = JsonDocument.Parse(list.Stdout);
        var item = doc.RootElement.EnumerateArray().Should().ContainSingle().Subject;
        item.GetProperty("id").GetString().Should().Be(id);
        item.GetProperty("display_name").GetString().Should().Be("Work");
        item.GetProperty("api_key_set").GetBoolean().Should().BeTrue();
        text.Stdout.Should().Contain(id).And.Contain("key set");
        (add.All + list.All + text.All).Should().NotContain("sk-test-conn-one");
    }

    [Test]
    public async Task Add_NoKeyOnANonTerminal_ExitsTwoSayingHow()
    {
        using var home = TempHome.Create();

        var result = await CliRunner.InProcessAsync(home, ["connections", "add", "--display-name", "Work"], Env);

        result.Exit.Should().Be(2);
        result.Stderr.Should().Contain("--api-key-stdin");
        File.Exists(ConnectionsFile(home)).Should().BeFalse();
    }

    [Test]
    public async Task SetKey_ReplacesTheStoredKey_UnknownIdExitsTwo()
    {
        using var home = TempHome.Create();
        var add = await CliRunner.InProcessAsync(home, ["connections", "add", "--display-name", "Work", "--api-key-stdin"], Env, "sk-test-conn-one\n");
        var id = add.Stdout.Trim();
        var before = File.ReadAllText(ConnectionsFile(home));

        var result = await CliRunner.InProcessAsync(home, ["connections", "set-key", id, "--api-key-stdin"], Env, "sk-test-conn-two\n");
        var unknown = await CliRunner.InProcessAsync(home, ["connections", "set-key", "no-such-id", "--api-key-stdin"], Env, "sk-test-conn-two\n");

        result.Exit.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain($"Replaced the key of provider connection '{id}'");
        var after = File.ReadAllText(ConnectionsFile(home));
        after.Should().NotBe(before).And.NotContain("sk-test-conn-two");
        unknown.Exit.Should().Be(2);
        unknown.Stderr.Should().Contain("connections list");
    }

    [Test]
    public async Task Remove_DeletesAnUnreferencedConnection_ReferencedOneExitsTwo()
    {
        using var home = TempHome.Create();
        var free = (await CliRunner.InProcessAsync(home, ["connections", "add", "--display-name", "Free", "--api-key-stdin"], Env, "sk-test-conn-one\n")).Stdout.Trim();
        var used = (await CliRunner.InProcessAsync(home, ["connections", "add", "--display-name", "Used", "--api-key-stdin"], Env, "sk-test-conn-two\n")).Stdout.Trim();
        Directory.CreateDirectory(home.Combine("profiles"));
        home.Write(Path.Combine("profiles", "linked.json"), $$"""{"model": "openai/gpt-linked", "provider_connection_id": "{{used}}"}""");

        var removed = await CliRunner.InProcessAsync(home, ["connections", "remove", free], Env);
        var refused = await CliRunner.InProcessAsync(home, ["connections", "remove", used], Env);

        removed.Exit.Should().Be(0, removed.ToString());
        removed.Stdout.Should().Contain("Deleted provider connection 'Free'");
        refused.Exit.Should().Be(2, refused.ToString());
        refused.Stderr.Should().Contain("linked");
        var file = File.ReadAllText(ConnectionsFile(home));
        file.Should().NotContain(free).And.Contain(used);
    }

    [Test]
    public async Task KeysRotate_ReencryptsConnectionsAndProfiles_TheNewKeyReadsThem_TheOldOneNoLonger()
    {
        using var home = TempHome.Create();
        await CliRunner.InProcessAsync(home, ["connections", "add", "--display-name", "Work", "--api-key-stdin"], Env, "sk-test-conn-one\n");
        await CliRunner.InProcessAsync(home, ["profiles", "add", "fast", "--model", "openai/gpt-fast", "--api-key-stdin"], Env, "sk-test-alpha\n");
        var before = File.ReadAllText(ConnectionsFile(home));

        var rotate = await CliRunner.InProcessAsync(home, ["keys", "rotate", "--new-key-stdin"], Env, "cli-test-new-key\n");
        var newEnv = new Dictionary<string, string> { ["OH_SECRET_KEY"] = "cli-test-new-key" };
        var withNew = await CliRunner.InProcessAsync(home, ["profiles", "show", "fast", "--reveal"], newEnv);
        var withOld = await CliRunner.InProcessAsync(home, ["profiles", "show", "fast", "--reveal"], Env);

        rotate.Exit.Should().Be(0, rotate.ToString());
        rotate.Stdout.Should().Contain("re-encrypted");
        File.ReadAllText(ConnectionsFile(home)).Should().NotBe(before).And.NotContain("sk-test-conn-one");
        File.ReadAllText(home.Combine("profiles", "fast.json")).Should().NotContain("sk-test-alpha");
        withNew.Exit.Should().Be(0, withNew.ToString());
        withNew.Stdout.Should().Contain("sk-test-alpha");
        withOld.Exit.Should().NotBe(0);
    }

    [Test]
    public async Task KeysRotate_NoCurrentKey_OrSameKey_ExitsTwo()
    {
        using var home = TempHome.Create();

        var noKey = await CliRunner.InProcessAsync(home, ["keys", "rotate", "--new-key-stdin"], stdin: "cli-test-new-key\n");
        var same = await CliRunner.InProcessAsync(home, ["keys", "rotate", "--new-key-stdin"], Env, SecretKey + "\n");

        noKey.Exit.Should().Be(2);
        noKey.Stderr.Should().Contain("OH_SECRET_KEY is not set");
        same.Exit.Should().Be(2);
        same.Stderr.Should().Contain("equals OH_SECRET_KEY");
    }
}
