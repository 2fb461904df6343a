using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Internal;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// One damaged file never takes a conversation down (issue 11). Before: a truncated <c>base_state.json</c> or event made
/// the conversation 404 and undeletable, a start with its id answered 500, a missing event silently cut the history and
/// a corrupt <c>meta.json</c> silently emptied title and tags. Now, on the real server after a restart: it is listed and
/// readable, <c>damaged_files</c> names the damage (a damaged event from the moment the conversation is opened, as the
/// listing reads no events), it can be deleted and its id used again, and nothing answers 5xx.
/// </summary>
[Category("AgentServer")]
public sealed class DamagedConversationTests
{
    private TempDirectory _dir = null!;
    private FakeLlmServer _llm = null!;
    private TestServer _server = null!;
    private readonly List<HttpResponseMessage> _responses = [];

    public enum Damage { TruncatedBaseState, TruncatedEvent, MissingEvent, CorruptMeta }

    [SetUp]
    public async Task StartAsync()
    {
        _dir = TempDirectory.Create();
        _llm = await FakeLlmServer.StartNewAsync();
        _server = await TestServer.StartAsync(_dir.Path);
    }

    [TearDown]
    public async Task StopAsync()
    {
        foreach (var response in _responses)
        {
            response.Dispose();
        }

        await _server.DisposeAsync();
        await _llm.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<HttpResponseMessage> Send(Task<HttpResponseMessage> request)
    {
        var response = await request;
        _responses.Add(response);
        ((int)response.StatusCode).Should().BeLessThan(500, await response.Content.ReadAsStringAsync());
        return response;
    }

    private async Task<JsonNode> Json(string path)
    {
        var response = await Send(_server.GetAsync(path));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    [TestCase(Damage.TruncatedBaseState, "base_state.json", 4, "error")]
    [TestCase(Damage.TruncatedEvent, "events/event-00002-", 3, "idle")]
    [TestCase(Damage.MissingEvent, "events/event-00001-*.json", 3, "idle")]
    [TestCase(Damage.CorruptMeta, "meta.json", 4, "idle")]
    public async Task Restart_DamagedFile_ConversationIsListedReadableNamedDeletableAndItsIdReusable(Damage damage, string file, int readableEvents, string status)
    {
        await ConversationRequests.SaveProfileAsync(_server.Client, _llm);
        var id = await ConversationRequests.StartAsync(_server.Client, "One", "Two", "Three");
        await Send(_server.PatchAsync($"/api/conversations/{id}", """{"title":"Before the crash","tags":{"team":"a"}}"""));
        var healthy = await Json($"/api/conversations/{id}/events/search");
        var eventIds = healthy["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        eventIds.Should().HaveCount(4, "a system prompt and three messages");
        await _server.DisposeAsync();

        var folder = _dir.Combine("conversations", Guid.Parse(id).ToString("N"));
        var eventFiles = Directory.GetFiles(Path.Combine(folder, "events")).Order(StringComparer.Ordinal).ToArray();
        var damagedPath = damage switch
        {
            Damage.TruncatedBaseState => Truncate(Path.Combine(folder, "base_state.json")),
            Damage.TruncatedEvent => Truncate(eventFiles[2]),
            Damage.MissingEvent => Delete(eventFiles[1]),
            _ => Overwrite(Path.Combine(folder, "meta.json"), "{\"title\": \"Before the cr"),
        };
        var damagedBytes = File.Exists(damagedPath) ? File.ReadAllBytes(damagedPath) : null;
        _server = await TestServer.StartAsync(_dir.Path);

        // Listed, counted and readable, with the damaged file named. The listing answers from meta.json and base_state.json
        // without loading the conversation (issue 17), so a damaged event file is named once the conversation is opened.
        var eventDamage = damage is Damage.TruncatedEvent or Damage.MissingEvent;
        var listed = (await Json("/api/conversations/search"))["items"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;
        (await Json("/api/conversations/count")).GetValue<int>().Should().Be(1);
        (await Json($"/api/conversations?ids={id}"))[0]!["id"]!.GetValue<string>().Should().Be(id);
        _server.Services.GetRequiredService<ConversationService>().LoadedCount.Should().Be(0, "listing loads nothing");
        if (eventDamage)
        {
            listed["damaged_files"].Should().BeNull("the event files are not read before the conversation is opened");
            listed["execution_status"]!.GetValue<string>().Should().Be(status);
        }

        var info = await Json($"/api/conversations/{id}");
        var relisted = (await Json("/api/conversations/search"))["items"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;
        foreach (var shown in eventDamage ? new[] { info, relisted } : new[] { listed, info, relisted })
        {
            var damaged = shown["damaged_files"]!.AsArray().Should().ContainSingle().Subject!;
            damaged["file"]!.GetValue<string>().Should().StartWith(file);
            damaged["kind"]!.GetValue<string>().Should().Be(damage == Damage.MissingEvent ? "missing" : "unreadable");
            damaged["problem"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
            shown["read_only"]!.GetValue<bool>().Should().Be(damage != Damage.CorruptMeta);
            shown["execution_status"]!.GetValue<string>().Should().Be(status);
        }

        var events = (await Json($"/api/conversations/{id}/events/search"))["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        events.Should().HaveCount(readableEvents).And.BeSubsetOf(eventIds);
        (await Json($"/api/conversations/{id}/events/count")).GetValue<int>().Should().Be(readableEvents);
        (await Json($"/api/conversations/{id}/events/{events[^1]}"))["id"]!.GetValue<string>().Should().Be(events[^1]);
        if (damage is Damage.TruncatedEvent or Damage.MissingEvent)
        {
            info["damaged_files"]![0]!["event_index"]!.GetValue<int>().Should().Be(damage == Damage.TruncatedEvent ? 2 : 1);
            events.Should().Contain(eventIds[3], "the events after the damage are served");
        }

        if (damage == Damage.CorruptMeta)
        {
            // The conversation itself is fine: it takes messages; a new title replaces the damaged record, kept as a backup.
            (await Send(ConversationRequests.SendAsync(_server.Client, id, "Four", run: false))).StatusCode.Should().Be(HttpStatusCode.OK);
            (await Send(_server.PatchAsync($"/api/conversations/{id}", """{"title":"After"}"""))).StatusCode.Should().Be(HttpStatusCode.OK);
            File.ReadAllBytes(Path.Combine(folder, "meta.json.bak")).Should().Equal(damagedBytes);
            var repaired = await Json($"/api/conversations/{id}");
            repaired["title"]!.GetValue<string>().Should().Be("After");
            repaired["damaged_files"].Should().BeNull();
        }
        else
        {
            // Read-only: every write is a 409 that names the damage, and no file changes.
            var before = Snapshot(folder);
            foreach (var write in new Func<Task<HttpResponseMessage>>[]
            {
                () => _server.PostAsync($"/api/conversations/{id}/run"),
                () => ConversationRequests.SendAsync(_server.Client, id, "Four", run: true),
                () => _server.PostAsync($"/api/conversations/{id}/pause"),
                () => _server.PostAsync($"/api/conversations/{id}/switch_profile", """{"profile_name":"fast"}"""),
            })
            {
                var response = await Send(write());
                response.StatusCode.Should().Be(HttpStatusCode.Conflict);
                (await response.Content.ReadAsStringAsync()).Should().Contain("read-only").And.Contain(file.Split('*')[0]);
            }

            Snapshot(folder).Should().Equal(before);
            if (damagedBytes is not null)
            {
                File.ReadAllBytes(damagedPath).Should().Equal(damagedBytes, "the damaged file is left as it is");
            }
        }

        // A start with its id answers the conversation as it is; a delete removes it; then the id starts afresh.
        var again = await Send(ConversationRequests.PostAsync(_server.Client, "/api/conversations", new JsonObject { ["conversation_id"] = id, ["llm_profile"] = "fast" }));
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.JsonAsync())["damaged_files"]?.AsArray().Count.Should().Be(damage == Damage.CorruptMeta ? null : 1, "the meta.json was repaired by the title change");
        (await Send(_server.DeleteAsync($"/api/conversations/{id}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Send(_server.GetAsync($"/api/conversations/{id}"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        Directory.Exists(folder).Should().BeFalse();
        var reused = await Send(ConversationRequests.PostAsync(_server.Client, "/api/conversations", new JsonObject { ["conversation_id"] = id, ["llm_profile"] = "fast" }));
        reused.StatusCode.Should().Be(HttpStatusCode.Created);
        var fresh = await Json($"/api/conversations/{id}");
        fresh["damaged_files"].Should().BeNull();
        fresh["title"].Should().BeNull();
    }

    [Test]
    public async Task Restart_DamagedConversationBesideHealthyOnes_OnlyItIsMarked()
    {
        await ConversationRequests.SaveProfileAsync(_server.Client, _llm);
        var healthy = await ConversationRequests.StartAsync(_server.Client, "One");
        var broken = await ConversationRequests.StartAsync(_server.Client, "One");
        await _server.DisposeAsync();
        Truncate(_dir.Combine("conversations", Guid.Parse(broken).ToString("N"), "base_state.json"));

        _server = await TestServer.StartAsync(_dir.Path);

        var items = (await Json("/api/conversations/search"))["items"]!.AsArray();
        items.Select(c => c!["id"]!.GetValue<string>()).Should().BeEquivalentTo([healthy, broken]);
        items.Single(c => c!["id"]!.GetValue<string>() == healthy)!["damaged_files"].Should().BeNull();
        (await Json($"/api/conversations/search?status=error"))["items"]!.AsArray().Should().ContainSingle()
            .Which!["id"]!.GetValue<string>().Should().Be(broken);
    }

    private static string Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    private static string Delete(string path)
    {
        File.Delete(path);
        return path;
    }

    private static string Overwrite(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
