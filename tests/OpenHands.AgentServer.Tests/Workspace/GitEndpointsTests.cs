using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Workspace;

/// <summary><c>/api/git</c> against a real repository in the workspace root.</summary>
[Category("AgentServer")]
public sealed class GitEndpointsTests : ServerTestBase
{
    private string Repo => Path.Combine(Server.PersistenceDirectory, "workspace", "repo");

    [SetUp]
    public void CreateRepository()
    {
        GitRepository.Create(Repo);
        File.WriteAllText(Path.Combine(Repo, "tracked.txt"), "modified\nline two\n");
        File.Delete(Path.Combine(Repo, "gone.txt"));
        File.WriteAllText(Path.Combine(Repo, "untracked file.txt"), "new");
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await Server.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [Test]
    public async Task Changes_ListTrackedAndUntrackedChanges_AgainstHead()
    {
        var changes = (await GetAsync("/api/git/changes?path=repo")).AsArray().Select(c => $"{c!["status"]} {c["path"]}");

        changes.Should().Equal("DELETED gone.txt", "UPDATED tracked.txt", "ADDED untracked file.txt");
        (await GetAsync("/api/git/changes?path=repo&ref=HEAD")).AsArray().Should().HaveCount(3);
    }

    [Test]
    public async Task Diff_GivesTheFileBeforeAndAfter()
    {
        var diff = await GetAsync("/api/git/diff?path=repo/tracked.txt");

        diff["original"]!.GetValue<string>().Should().Be("original");
        diff["modified"]!.GetValue<string>().Should().Be("modified\nline two");
        (await Server.GetAsync("/api/git/diff?path=repo/missing.txt")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/git/diff?path=repo/tracked.txt&ref=HEAD&commit=abcd")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task CommitsAndCommitChanges_ReadTheHistory()
    {
        GitRepository.Git(Repo, "add", "-A");
        GitRepository.Git(Repo, "commit", "-q", "-m", "second commit");

        var page = await GetAsync("/api/git/commits?path=repo&limit=1");
        var newest = page["commits"]!.AsArray().Single()!;
        newest["subject"]!.GetValue<string>().Should().Be("second commit");
        newest["author"]!.GetValue<string>().Should().Be("Test");
        page["has_more"]!.GetValue<bool>().Should().BeTrue();
        var sha = newest["sha"]!.GetValue<string>();

        var changes = (await GetAsync($"/api/git/commits/{sha}/changes?path=repo")).AsArray().Select(c => $"{c!["status"]} {c["path"]}");
        changes.Should().BeEquivalentTo("DELETED gone.txt", "UPDATED tracked.txt", "ADDED untracked file.txt");
        var diff = await GetAsync($"/api/git/diff?path=repo/gone.txt&commit={sha[..8]}");
        diff["original"]!.GetValue<string>().Should().Be("to delete", "a file the commit deleted still renders");
        diff["modified"]!.GetValue<string>().Should().BeEmpty();
    }

    [Test]
    public async Task NotARepository_HasNoChangesNoCommitsAndAnEmptyDiff()
    {
        Directory.CreateDirectory(Path.Combine(Server.PersistenceDirectory, "workspace", "plain"));
        File.WriteAllText(Path.Combine(Server.PersistenceDirectory, "workspace", "plain", "f.txt"), "x");

        (await GetAsync("/api/git/changes?path=plain")).AsArray().Should().BeEmpty();
        (await GetAsync("/api/git/commits?path=plain"))["commits"]!.AsArray().Should().BeEmpty();
        var diff = await GetAsync("/api/git/diff?path=plain/f.txt");
        diff["original"].Should().BeNull();
        diff.AsObject().ContainsKey("modified").Should().BeTrue("the Python shape keeps both keys");
    }

    [Test]
    public async Task OptionInjection_AndBadShasOrRefs_AreRefused()
    {
        (await Server.GetAsync("/api/git/changes?path=repo&ref=--output=/tmp/x")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/git/changes?path=repo&ref=no-such-branch")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/git/commits/--all/changes?path=repo")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Server.GetAsync("/api/git/commits/deadbeef/changes?path=repo")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Server.GetAsync("/api/git/diff?path=repo/tracked.txt&commit=xyz")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Server.GetAsync("/api/git/commits?path=repo&limit=201")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        File.Exists("/tmp/x").Should().BeFalse();
    }
}
