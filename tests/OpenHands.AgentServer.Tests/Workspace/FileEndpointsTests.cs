using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Workspace;

/// <summary><c>/api/file</c> on the real server: real files in the workspace root.</summary>
[Category("AgentServer")]
public sealed class FileEndpointsTests : ServerTestBase
{
    private string Workspace => Path.Combine(Server.PersistenceDirectory, "workspace");

    private static MultipartFormDataContent Form(byte[] bytes, string field = "file") =>
        new() { { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, field, "x.bin" } };

    private Task<HttpResponseMessage> UploadAsync(string path, byte[] bytes, string field = "file") =>
        Server.Client.PostAsync("/api/file/upload?path=" + Uri.EscapeDataString(path), Form(bytes, field));

    [Test]
    public async Task UploadThenDownload_RoundTripsTheBytes_CreatesParents_AndLeavesNoTempFile()
    {
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();

        var upload = await UploadAsync("deep/er/data.bin", bytes);
        upload.StatusCode.Should().Be(HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        (await upload.JsonAsync())["success"]!.GetValue<bool>().Should().BeTrue();
        var download = await Server.GetAsync("/api/file/download?path=" + Uri.EscapeDataString(Path.Combine(Workspace, "deep/er/data.bin")));

        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.Should().Be("application/octet-stream");
        download.Content.Headers.ContentDisposition!.FileName.Should().Contain("data.bin");
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        Directory.GetFiles(Path.Combine(Workspace, "deep", "er")).Should().ContainSingle("the upload was renamed into place");
    }

    [Test]
    public async Task Upload_OverAnExistingFile_ReplacesIt_AndBadUploadsAreRefusedWithoutTouchingIt()
    {
        await UploadAsync("a.txt", "old"u8.ToArray());

        (await UploadAsync("a.txt", "new"u8.ToArray())).StatusCode.Should().Be(HttpStatusCode.OK);
        File.ReadAllText(Path.Combine(Workspace, "a.txt")).Should().Be("new");
        (await UploadAsync("a.txt", "x"u8.ToArray(), field: "other")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "no 'file' field");
        (await Server.PostAsync("/api/file/upload?path=a.txt", "{}")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "not a form");
        (await Server.Client.PostAsync("/api/file/upload", Form("x"u8.ToArray()))).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "no path");
        Directory.CreateDirectory(Path.Combine(Workspace, "folder"));
        (await UploadAsync("folder", "x"u8.ToArray())).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a folder is not a file");
        (await UploadAsync("a.txt/under", "x"u8.ToArray())).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a parent is a file");
        File.ReadAllText(Path.Combine(Workspace, "a.txt")).Should().Be("new");
    }

    [Test]
    public async Task Download_MissingIs404_AFolderIs400()
    {
        Directory.CreateDirectory(Path.Combine(Workspace, "dir"));

        (await Server.GetAsync("/api/file/download?path=missing.txt")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.GetAsync("/api/file/download?path=dir")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/file/download")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task CreateDirectory_HomeAndSearchSubdirs_BrowseTheWorkspace()
    {
        (await Server.PostAsync("/api/file/create_directory?path=proj/b", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.PostAsync("/api/file/create_directory?path=proj/b", null)).StatusCode.Should().Be(HttpStatusCode.OK, "idempotent");
        await Server.PostAsync("/api/file/create_directory?path=proj/A", null);
        await Server.PostAsync("/api/file/create_directory?path=proj/.hidden", null);
        File.WriteAllText(Path.Combine(Workspace, "proj", "file.txt"), "x");
        (await Server.PostAsync("/api/file/create_directory?path=proj/file.txt", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var home = await (await Server.GetAsync("/api/file/home")).JsonAsync();
        home["home"]!.GetValue<string>().Should().Be(Workspace);
        home["favorites"]!.AsArray().Select(f => f!["label"]!.GetValue<string>()).Should().Equal("proj");
        home["locations"]!.AsArray().Single()!["path"]!.GetValue<string>().Should().Be(Workspace);

        var page = await (await Server.GetAsync("/api/file/search_subdirs?path=proj&limit=1")).JsonAsync();
        page["items"]!.AsArray().Single()!["name"]!.GetValue<string>().Should().Be("A");
        page["items"]![0]!["path"]!.GetValue<string>().Should().Be(Path.Combine(Workspace, "proj", "A"));
        var next = page["next_page_id"]!.GetValue<string>();
        next.Should().Be("b");
        var second = await (await Server.GetAsync($"/api/file/search_subdirs?path=proj&page_id={next}")).JsonAsync();
        second["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).Should().Equal("b");
        var hidden = await (await Server.GetAsync("/api/file/search_subdirs?path=proj&include_hidden=true")).JsonAsync();
        hidden["items"]!.AsArray().Should().HaveCount(3);
        (await Server.GetAsync("/api/file/search_subdirs?path=nope")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.GetAsync("/api/file/search_subdirs?path=proj&limit=101")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task Archive_TarGz_HoldsTheFolderWithoutExcludesLinksOrGitCredentials()
    {
        Directory.CreateDirectory(Path.Combine(Workspace, "proj", "node_modules"));
        Directory.CreateDirectory(Path.Combine(Workspace, "proj", "src"));
        File.WriteAllText(Path.Combine(Workspace, "proj", "src", "main.c"), "int main;");
        File.WriteAllText(Path.Combine(Workspace, "proj", "node_modules", "big.js"), "x");
        File.WriteAllText(Path.Combine(Workspace, "proj", "skip.log"), "x");
        File.CreateSymbolicLink(Path.Combine(Workspace, "proj", "link"), "/etc/passwd");

        var response = await Server.GetAsync("/api/file/archive?format=tar.gz&exclude=*.log&path=proj");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var names = new List<string>();
        await using (var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
            }
        }

        names.Should().Contain(["proj/src/main.c", "proj/archive_manifest.json"]);
        names.Should().NotContain(n => n.Contains("node_modules", StringComparison.Ordinal) || n.EndsWith(".log", StringComparison.Ordinal) || n.EndsWith("link", StringComparison.Ordinal));
        (await Server.GetAsync("/api/file/archive?format=zip&path=proj")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Server.GetAsync("/api/file/archive?path=proj")).StatusCode.Should().Be(HttpStatusCode.BadRequest, "git-delta needs a repository");
        (await Server.GetAsync("/api/file/archive?path=proj&base_ref=--output=x")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Archive_GitDelta_IsAPatchOfTheWorkingTree_AndTheRepositorysIndexIsUntouched()
    {
        var repo = Path.Combine(Workspace, "repo");
        GitRepository.Create(repo);
        File.WriteAllText(Path.Combine(repo, "tracked.txt"), "changed\n");
        File.WriteAllText(Path.Combine(repo, "new.txt"), "brand new\n");
        var index = File.ReadAllBytes(Path.Combine(repo, ".git", "index"));

        var response = await Server.GetAsync("/api/file/archive?path=" + Uri.EscapeDataString(Workspace));
        var patch = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, patch);
        patch.Should().Contain("+changed").And.Contain("+brand new").And.Contain("new.txt");
        response.Headers.GetValues("X-Archive-Base-Commit").Single().Should().HaveLength(40);
        File.ReadAllBytes(Path.Combine(repo, ".git", "index")).Should().Equal(index);
    }

    [Test]
    public async Task DownloadTrajectory_IsAZipOfTheConversationFolder_UnknownIs404()
    {
        var id = Guid.NewGuid();
        var folder = Path.Combine(Server.PersistenceDirectory, "conversations", id.ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "events"));
        File.WriteAllText(Path.Combine(folder, "base_state.json"), "{\"secret\":\"gAAAAABl0123456789abcdefghijklmnop\"}");
        File.WriteAllText(Path.Combine(folder, "events", "event-00000-x.json"), "{}");

        var response = await Server.GetAsync($"/api/file/download-trajectory/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo([$"{id:N}/base_state.json", $"{id:N}/events/event-00000-x.json"]);
        using var reader = new StreamReader(zip.GetEntry($"{id:N}/base_state.json")!.Open(), Encoding.UTF8);
        (await reader.ReadToEndAsync()).Should().Be("{\"secret\":\"**********\"}", "Fernet tokens never leave in a trajectory");
        (await Server.GetAsync($"/api/file/download-trajectory/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.GetAsync("/api/file/download-trajectory/not-a-uuid")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }
}

/// <summary>A real git repository in a temp folder, made with the git command line.</summary>
internal static class GitRepository
{
    public static void Create(string folder)
    {
        Directory.CreateDirectory(folder);
        Git(folder, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(folder, "tracked.txt"), "original\n");
        File.WriteAllText(Path.Combine(folder, "gone.txt"), "to delete\n");
        Git(folder, "add", "-A");
        Git(folder, "commit", "-q", "-m", "first commit");
    }

    public static string Git(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }
}
