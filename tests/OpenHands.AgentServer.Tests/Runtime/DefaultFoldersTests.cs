using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Internal;
using OpenHands.AgentServer.Tests.Support;
using OpenHands.Sdk.Conversations;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// Defaults a user expects (issue 11). Before: started as the README says, conversations went to
/// <c>workspace/conversations</c> under the current folder (the source tree), a conversation without a workspace ran in
/// the server's own folder, and the persistence and conversation folders were 0755. Now everything is under the
/// persistence folder, each conversation without a workspace has a folder of its own, folders are 0700 and files 0600.
/// </summary>
[Category("AgentServer")]
public sealed class DefaultFoldersTests
{
    [Test]
    public async Task Start_OnlyThePersistenceFolderSet_ConversationsAndWorkspacesGoBelowIt()
    {
        using var dir = TempDirectory.Create();
        await using var llm = await FakeLlmServer.StartNewAsync();
        var persistence = dir.Combine("state");
        await using var host = await RuntimeHost.StartAsync(new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = persistence });
        await ConversationRequests.SaveProfileAsync(host.Client, llm);

        var id = Guid.Parse(await ConversationRequests.StartAsync(host.Client, "One"));

        var folders = host.Services.GetRequiredService<ServerFolders>();
        folders.Should().Be(new ServerFolders(
            persistence, Path.Combine(persistence, "conversations"), Path.Combine(persistence, "workspaces"),
            Path.Combine(persistence, "workspace"), Path.Combine(persistence, "bash_events")));
        host.Services.GetRequiredService<ConversationFactory>().PersistenceDirectory.Should().Be(folders.Conversations);
        Directory.Exists(Path.Combine(persistence, "conversations", id.ToString("N"))).Should().BeTrue();
        var workspace = Path.Combine(persistence, "workspaces", id.ToString("N"));
        (await host.JsonAsync($"/api/conversations/{id}"))["workspace"]!["working_dir"]!.GetValue<string>().Should().Be(workspace);
        Directory.Exists(workspace).Should().BeTrue("the conversation runs in a folder of its own");
        Directory.Exists(Path.Combine(Environment.CurrentDirectory, "workspace")).Should().BeFalse("nothing is written where the server runs");
    }

    [Test]
    public async Task Start_TwoConversationsWithoutWorkspace_EachHasItsOwnFolder_AndAGivenWorkspaceIsKept()
    {
        using var dir = TempDirectory.Create();
        await using var llm = await FakeLlmServer.StartNewAsync();
        await using var host = await RuntimeHost.StartAsync(new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = dir.Path });
        await ConversationRequests.SaveProfileAsync(host.Client, llm);
        var given = dir.Combine("my-project");
        Directory.CreateDirectory(given);

        var a = await ConversationRequests.StartAsync(host.Client);
        var b = await ConversationRequests.StartAsync(host.Client);
        using var withWorkspace = await ConversationRequests.PostAsync(host.Client, "/api/conversations", new JsonObject
        {
            ["llm_profile"] = "fast",
            ["workspace"] = new JsonObject { ["working_dir"] = given },
        });

        string WorkingDir(JsonNode info) => info["workspace"]!["working_dir"]!.GetValue<string>();
        WorkingDir(await host.JsonAsync($"/api/conversations/{a}")).Should().NotBe(WorkingDir(await host.JsonAsync($"/api/conversations/{b}")));
        WorkingDir(await withWorkspace.JsonAsync()).Should().Be(given);
        Directory.GetDirectories(dir.Combine("workspaces")).Should().HaveCount(2);
    }

    [Test]
    public async Task Start_ConversationsPathVariable_IsTheConversationsFolder()
    {
        using var dir = TempDirectory.Create();
        await using var host = await RuntimeHost.StartAsync(new Dictionary<string, string?>
        {
            ["OH_PERSISTENCE_DIR"] = dir.Combine("state"),
            ["OH_CONVERSATIONS_PATH"] = dir.Combine("elsewhere"),
        });

        host.Services.GetRequiredService<ConversationFactory>().PersistenceDirectory.Should().Be(dir.Combine("elsewhere"));
    }

    [Test]
    public void Resolve_NothingConfigured_IsUnderTheHomeFolderNeverTheCurrentFolder()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        if (Environment.GetEnvironmentVariable("OH_PERSISTENCE_DIR") is { Length: > 0 } || Environment.GetEnvironmentVariable("OH_CONVERSATIONS_PATH") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("OH_WORKSPACE_PATH") is { Length: > 0 } || Environment.GetEnvironmentVariable("OH_BASH_EVENTS_DIR") is { Length: > 0 })
        {
            Assert.Ignore("The test process has OH_PERSISTENCE_DIR or OH_CONVERSATIONS_PATH set.");
        }

        var folders = ServerFolders.Resolve(new AgentServerOptions());

        folders.Should().Be(new ServerFolders(
            Path.Combine(home, ".openhands"), Path.Combine(home, ".openhands", "conversations"), Path.Combine(home, ".openhands", "workspaces"),
            Path.Combine(home, ".openhands", "workspace"), Path.Combine(home, ".openhands", "bash_events")));
    }

    [Test]
    public async Task Start_FreshPersistenceFolder_EveryFolderIs0700AndEveryFile0600()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        using var dir = TempDirectory.Create();
        await using var llm = await FakeLlmServer.StartNewAsync();
        var persistence = dir.Combine("fresh", "state");
        await using (var host = await RuntimeHost.StartAsync(new Dictionary<string, string?> { ["OH_PERSISTENCE_DIR"] = persistence }))
        {
            await ConversationRequests.SaveProfileAsync(host.Client, llm);
            (await ConversationRequests.PostAsync(host.Client, "/api/profiles/fast/activate", new JsonObject())).Dispose();
            var id = await ConversationRequests.StartAsync(host.Client, "One", "Two");
            (await host.Client.PatchAsync($"/api/conversations/{id}", new StringContent("""{"title":"t"}""", System.Text.Encoding.UTF8, "application/json"))).Dispose();
        }

        string[] folders = [dir.Combine("fresh"), persistence, .. Directory.GetDirectories(persistence, "*", SearchOption.AllDirectories)];
        var files = Directory.GetFiles(persistence, "*", SearchOption.AllDirectories);
        folders.Should().Contain(Path.Combine(persistence, "workspaces")).And.Contain(Path.Combine(persistence, "conversations"));
        files.Should().Contain(f => f.EndsWith("settings.json", StringComparison.Ordinal)).And.Contain(f => f.EndsWith("meta.json", StringComparison.Ordinal))
            .And.Contain(f => f.EndsWith("base_state.json", StringComparison.Ordinal));
        var modes = new List<(string Path, UnixFileMode Mode)>();
        foreach (var folder in folders)
        {
            modes.Add((folder, File.GetUnixFileMode(folder)));
        }

        modes.Should().OnlyContain(m => m.Mode == AtomicModes.Folder, "every folder the server creates is private");
        modes.Clear();
        foreach (var file in files)
        {
            modes.Add((file, File.GetUnixFileMode(file)));
        }

        modes.Should().OnlyContain(m => m.Mode == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "every file the server writes is private");
    }

    private static class AtomicModes
    {
        public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    }
}
