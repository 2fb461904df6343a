using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Workspace;

/// <summary>
/// Every file and git route (and bash's <c>cwd</c>, and a conversation's workspace) against a table of hostile paths:
/// traversal, encoded traversal, absolute paths, symbolic links out of the workspace, NUL and control characters, very
/// long names. Each answer is a 4xx, and the folder above the workspace (the workspace included) is byte-for-byte unchanged.
/// </summary>
[Category("AgentServer")]
public sealed class HostilePathTableTests : ServerTestBase
{
    private string Area => Dir.Combine("area");

    private string Workspace => Path.Combine(Area, "workspace");

    protected override void Configure(AgentServerOptions options) => options.WorkspacePath = Path.Combine(Dir.Path, "area", "workspace");

    /// <summary>The paths, as the client means them (escaped once on the wire), or raw on the wire when <c>Raw</c>.</summary>
    private List<(string Path, bool Raw)> HostilePaths()
    {
        List<string> paths =
        [
            "../outside/secret.txt", "../../etc/passwd", "..", "../", "./../outside", "sub/../../outside/secret.txt", "sub/./../../outside",
            "~/../outside", "escape-dir/../outside", "/etc/passwd", "/etc", "/", "/tmp", "//etc/passwd", "/proc/self/environ",
            Path.Combine(Area, "outside", "secret.txt"), Path.Combine(Area, "outside"), Area, Workspace + "/../outside/secret.txt",
            Workspace + "-evil/file", "%2e%2e/outside/secret.txt", "%2e%2e%2foutside%2fsecret.txt", "..%2foutside%2fsecret.txt",
            "%2E%2E%2Foutside", "sub%5c..%5c..%5coutside", "..\\outside\\secret.txt", "sub\\..\\..\\outside", "\0", "a\0b",
            "secret.txt\0.png", "\u0001control", "tab\there", "\u007f", "escape-dir/secret.txt", "escape-dir", "escape-dir/new.txt",
            "escape-file", "escape-abs", "dangling", "dangling-dir/x", "inner/escape-chain/secret.txt", "inner/escape-chain", "loop",
            Path.Combine(Workspace, "escape-dir", "secret.txt"), new string('a', 256), new string('a', 300) + "/b",
            "d/" + new string('x', 5000), string.Concat(Enumerable.Repeat("ü", 128)), "",
        ];
        var table = paths.Select(p => (p, false)).ToList();
        table.AddRange([("%2e%2e%2foutside%2fsecret.txt", true), ("..%2F..%2Fetc%2Fpasswd", true), ("%2e%2e/outside", true), ("a%00b", true)]);
        return table;
    }

    private void Arrange()
    {
        Directory.CreateDirectory(Path.Combine(Area, "outside"));
        File.WriteAllText(Path.Combine(Area, "outside", "secret.txt"), "outside secret");
        Directory.CreateDirectory(Path.Combine(Workspace, "sub"));
        Directory.CreateDirectory(Path.Combine(Workspace, "inner"));
        File.WriteAllText(Path.Combine(Workspace, "inside.txt"), "inside");
        File.CreateSymbolicLink(Path.Combine(Workspace, "escape-dir"), "../outside");
        File.CreateSymbolicLink(Path.Combine(Workspace, "escape-file"), "../outside/secret.txt");
        File.CreateSymbolicLink(Path.Combine(Workspace, "escape-abs"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(Workspace, "dangling"), "../outside/missing.txt");
        File.CreateSymbolicLink(Path.Combine(Workspace, "dangling-dir"), "../outside/missing-dir");
        File.CreateSymbolicLink(Path.Combine(Workspace, "inner", "escape-chain"), "../escape-dir");
        File.CreateSymbolicLink(Path.Combine(Workspace, "loop"), "loop");
    }

    /// <summary>Every entry below the area (links listed, never followed), with each file's size, hash and write time.</summary>
    private string Snapshot()
    {
        var lines = new List<string>();
        void Walk(DirectoryInfo folder)
        {
            foreach (var entry in folder.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry.LinkTarget is { } target)
                {
                    lines.Add($"{entry.FullName} -> {target}");
                }
                else if (entry is DirectoryInfo sub)
                {
                    lines.Add(sub.FullName + "/");
                    Walk(sub);
                }
                else if (entry is FileInfo file)
                {
                    lines.Add($"{file.FullName} {file.Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName)))} {file.LastWriteTimeUtc.Ticks}");
                }
            }
        }

        Walk(new DirectoryInfo(Area));
        return string.Join('\n', lines);
    }

    private async Task<string> StartConversationAsync(FakeLlmServer llm)
    {
        var save = await Server.PostAsync("/api/profiles/fast", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = "sk-test-hostile-1", ["base_url"] = llm.BaseUrl + "/v1", ["num_retries"] = 0 },
        }.ToJsonString());
        save.StatusCode.Should().Be(HttpStatusCode.Created);
        var start = await Server.PostAsync("/api/conversations", new JsonObject { ["llm_profile"] = "fast", ["workspace"] = new JsonObject { ["working_dir"] = Workspace } }.ToJsonString());
        start.StatusCode.Should().Be(HttpStatusCode.Created, await start.Content.ReadAsStringAsync());
        return (await start.JsonAsync())["id"]!.GetValue<string>();
    }

    private static MultipartFormDataContent Upload() => new MultipartFormDataContent { { new ByteArrayContent("pwned"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }, "file", "pwned.txt" } };

    [Test]
    public async Task EveryFileAndGitRoute_EveryHostilePath_Is4xx_AndTheFolderAboveTheWorkspaceIsUnchanged()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Symbolic links and realpath(3): Unix.");
        }

        Arrange();
        await using var llm = await FakeLlmServer.StartNewAsync();
        var conversation = await StartConversationAsync(llm);
        var before = Snapshot();
        var table = HostilePaths();
        table.Should().HaveCountGreaterThanOrEqualTo(40);

        var routes = new (string Name, Func<string, HttpRequestMessage> Request)[]
        {
            ("upload", q => new HttpRequestMessage(HttpMethod.Post, "/api/file/upload?path=" + q) { Content = Upload() }),
            ("download", q => new HttpRequestMessage(HttpMethod.Get, "/api/file/download?path=" + q)),
            ("create_directory", q => new HttpRequestMessage(HttpMethod.Post, "/api/file/create_directory?path=" + q)),
            ("search_subdirs", q => new HttpRequestMessage(HttpMethod.Get, "/api/file/search_subdirs?path=" + q)),
            ("archive tar.gz", q => new HttpRequestMessage(HttpMethod.Get, "/api/file/archive?format=tar.gz&path=" + q)),
            ("archive git-delta", q => new HttpRequestMessage(HttpMethod.Get, "/api/file/archive?path=" + q)),
            ("git changes", q => new HttpRequestMessage(HttpMethod.Get, "/api/git/changes?path=" + q)),
            ("git diff", q => new HttpRequestMessage(HttpMethod.Get, "/api/git/diff?path=" + q)),
            ("git diff commit", q => new HttpRequestMessage(HttpMethod.Get, "/api/git/diff?commit=abcd&path=" + q)),
            ("git commits", q => new HttpRequestMessage(HttpMethod.Get, "/api/git/commits?path=" + q)),
            ("git commit changes", q => new HttpRequestMessage(HttpMethod.Get, "/api/git/commits/abcd/changes?path=" + q)),
            ("bash cwd", q => new HttpRequestMessage(HttpMethod.Post, "/api/bash/start_bash_command")
            {
                Content = new StringContent(new JsonObject { ["command"] = "echo pwned > pwned.txt", ["cwd"] = Uri.UnescapeDataString(q) }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            }),
            ("conversation workspace", q => new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{conversation}/workspace/{q}")),
        };

        var failures = new List<string>();
        var answered = 0;
        foreach (var (name, request) in routes)
        {
            foreach (var (path, raw) in table)
            {
                if ((name == "bash cwd" && raw) || (name == "conversation workspace" && path == ".."))
                {
                    // A JSON body has no URL encoding; a bare ".." in a URL path is resolved by the URL itself (to
                    // /api/conversations/{id}, another route) before it reaches any server.
                    continue;
                }

                using var message = request(raw ? path : Uri.EscapeDataString(path));
                using var response = await Server.Client.SendAsync(message);
                answered++;
                if ((int)response.StatusCode is < 400 or >= 500)
                {
                    failures.Add($"{name} '{Printable(path)}'{(raw ? " (raw)" : "")}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        failures.Should().BeEmpty();
        answered.Should().BeGreaterThan(40 * routes.Length - 10);
        Snapshot().Should().Be(before, "nothing outside the workspace (nor in it) was written");
        (await (await Server.GetAsync("/api/bash/bash_events/search")).JsonAsync())["items"]!.AsArray().Should().BeEmpty("no refused command ran");

        // The same routes do work with a path inside the workspace.
        (await Server.GetAsync("/api/file/download?path=inside.txt")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.GetAsync("/api/file/download?path=" + Uri.EscapeDataString(Path.Combine(Workspace, "inside.txt")))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.GetAsync("/api/git/changes?path=sub")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.GetAsync($"/api/conversations/{conversation}/workspace/inside.txt")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static string Printable(string path) => path.Length > 60 ? path[..60] + $"…({path.Length})" : string.Concat(path.Select(c => c < ' ' ? $"\\x{(int)c:x2}" : c.ToString()));
}
