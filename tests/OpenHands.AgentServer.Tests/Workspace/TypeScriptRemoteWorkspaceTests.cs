using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Workspace;

/// <summary>
/// The published TypeScript client's <c>RemoteWorkspace</c> (npm <c>@openhands/typescript-client@1.39.0</c>, driven by
/// Node) against the real server with a session key: it runs a command, uploads a file and downloads it again, and reads
/// the git view and the bash events through its <c>BashClient</c>.
/// </summary>
[Category("AgentServer"), Category("Npm"), NonParallelizable]
public sealed class TypeScriptRemoteWorkspaceTests
{
    private const string Package = "@openhands/typescript-client@1.39.0";
    private const string SessionKey = "sk-test-ts-session";

    private const string Script = """
        import { RemoteWorkspace } from '@openhands/typescript-client';

        const workspace = new RemoteWorkspace({ host: process.env.HOST, workingDir: process.env.WORKSPACE, apiKey: process.env.SESSION_KEY });
        const command = await workspace.executeCommand('echo hello-from-ts; echo warn >&2; exit 4', undefined, 30);
        const inFolder = await workspace.executeCommand('pwd', 'ts', 30);
        const text = 'uploaded by the TypeScript client \u2713\nsecond line\n';
        const upload = await workspace.uploadText(text, process.env.WORKSPACE + '/ts/upload.txt', 'upload.txt');
        const downloaded = await workspace.downloadAsText(process.env.WORKSPACE + '/ts/upload.txt');
        const changes = await workspace.gitChanges(process.env.WORKSPACE);
        const events = await workspace.bash.searchEvents({ kind__eq: 'BashCommand' });
        let refused = null;
        try {
          await workspace.downloadAsText('/etc/passwd');
        } catch (e) {
          refused = String(e.status ?? e.message);
        }
        workspace.close();
        console.log(JSON.stringify({ command, inFolder, upload, downloaded, same: downloaded === text, changes, events: events.items.length, refused }));
        """;

    [Test]
    public async Task RemoteWorkspace_RunsACommand_UploadsAFileAndDownloadsItAgain()
    {
        using var dir = TempDirectory.Create();
        await using var server = await TestServer.StartAsync(dir.Path, o => o.SessionApiKeys.Add(SessionKey));
        var workspace = Path.Combine(dir.Path, "workspace");
        Directory.CreateDirectory(Path.Combine(workspace, "ts"));
        var folder = await NpmPackages.InstallAsync("typescript-client", Package);

        var (code, stdout, stderr) = await NpmPackages.RunNodeAsync(folder, "remote-workspace.mjs", Script, new Dictionary<string, string>
        {
            ["HOST"] = server.BaseUrl, ["SESSION_KEY"] = SessionKey, ["WORKSPACE"] = workspace,
        });

        code.Should().Be(0, stderr);
        var result = JsonNode.Parse(stdout)!;
        result["command"]!["stdout"]!.GetValue<string>().Should().Be("hello-from-ts\n");
        result["command"]!["stderr"]!.GetValue<string>().Should().Be("warn\n");
        result["command"]!["exit_code"]!.GetValue<int>().Should().Be(4);
        result["inFolder"]!["stdout"]!.GetValue<string>().Trim().Should().Be(Path.Combine(workspace, "ts"));
        result["upload"]!["success"]!.GetValue<bool>().Should().BeTrue();
        result["same"]!.GetValue<bool>().Should().BeTrue(result["downloaded"]?.ToJsonString());
        File.ReadAllText(Path.Combine(workspace, "ts", "upload.txt")).Should().StartWith("uploaded by the TypeScript client \u2713");
        result["changes"]!.AsArray().Should().BeEmpty("the workspace is not a git repository");
        result["events"]!.GetValue<int>().Should().Be(2);
        result["refused"]!.GetValue<string>().Should().Be("400", "a path outside the workspace is refused");
    }
}
