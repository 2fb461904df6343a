using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.ScaleOut;

/// <summary>
/// Conversations on one PostgreSQL database shared by several real agent servers (Kestrel on 127.0.0.1, each with its
/// own persistence folder), run against the scripted fake LLM on loopback: a conversation started and run on instance A
/// is read (its info and its events) from instance B, and from an instance started afterwards; deleted on one, its id
/// is free on every other.
/// </summary>
[Category("PostgreSql")]
[NonParallelizable]
public sealed class ScaleOutConversationsTests
{
    private const string SecretKey = "test-cipher-key-scale-out";
    private const string Key = "sk-test-convo";

    private readonly List<TempDirectory> _folders = [];
    private readonly List<TestServer> _servers = [];
    private TestDatabase? _database;
    private FakeLlmServer? _llm;

    [SetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _llm = await FakeLlmServer.StartNewAsync();
        for (var i = 0; i < 2; i++)
        {
            await StartServerAsync();
        }
    }

    [TearDown]
    public async Task StopAsync()
    {
        try
        {
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }

            if (_llm is not null)
            {
                await _llm.DisposeAsync();
            }
        }
        finally
        {
            foreach (var folder in _folders)
            {
                folder.Dispose();
            }

            _servers.Clear();
            _folders.Clear();
            if (_database is not null)
            {
                await _database.DisposeAsync();
                _database = null;
            }
        }
    }

    [Test]
    public async Task ConversationRunOnInstanceA_IsReadFromInstanceB_AndFromAnInstanceStartedLater()
    {
        var (a, b) = (_servers[0], _servers[1]);
        var profile = new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm!.BaseUrl + "/v1", ["num_retries"] = 0 },
        };
        (await a.PostAsync("/api/profiles/shared", profile.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.Created);
        _llm.Enqueue(FakeReply.Text("answer from instance A"));

        var started = await a.PostAsync("/api/conversations", """{"llm_profile":"shared"}""");
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var id = (await started.JsonAsync())["id"]!.GetValue<string>();
        var send = await a.PostAsync($"/api/conversations/{id}/events", """{"role":"user","content":[{"type":"text","text":"question for A"}],"run":true}""");
        send.StatusCode.Should().Be(HttpStatusCode.OK, await send.Content.ReadAsStringAsync());
        await WaitForStatusAsync(a, id, "finished");
        var onA = await EventsAsync(a, id);
        onA.ToJsonString().Should().Contain("answer from instance A").And.Contain("question for A");

        var infoOnB = await (await b.GetAsync($"/api/conversations/{id}")).JsonAsync();
        infoOnB["execution_status"]!.GetValue<string>().Should().Be("finished");
        infoOnB["llm_profile"]!.GetValue<string>().Should().Be("shared");
        (await EventsAsync(b, id)).ToJsonString().Should().Be(onA.ToJsonString(), "instance B serves the same events, in order, as stored");
        (await (await b.GetAsync($"/api/conversations/{id}/events/count")).JsonAsync()).GetValue<int>().Should().Be(onA.Count);

        var later = await StartServerAsync();
        (await EventsAsync(later, id)).ToJsonString().Should().Be(onA.ToJsonString(), "an instance started afterwards reads it too");

        foreach (var folder in _folders)
        {
            Directory.Exists(Path.Combine(folder.Path, "conversations", Guid.Parse(id).ToString("N"))).Should().BeFalse("no instance keeps the conversation in files");
        }

        (await _database!.QueryAsync($"SELECT count(*) FROM conversation_events WHERE conversation_id = '{id}'")).Single()
            .Should().Be(onA.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test]
    public async Task ConversationDeletedOnOneInstance_IsGoneForAnInstanceStartedLater_AndItsIdCanBeUsedAgain()
    {
        var id = Guid.NewGuid().ToString();
        var profile = new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm!.BaseUrl + "/v1" } };
        (await _servers[0].PostAsync("/api/profiles/shared", profile.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.Created);
        var body = new JsonObject { ["llm_profile"] = "shared", ["conversation_id"] = id }.ToJsonString();
        (await _servers[0].PostAsync("/api/conversations", body)).StatusCode.Should().Be(HttpStatusCode.Created);
        (await _servers[1].GetAsync($"/api/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await _servers[1].DeleteAsync($"/api/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await _database!.QueryAsync($"SELECT count(*) FROM conversations WHERE id = '{id}'")).Single().Should().Be("0");
        var later = await StartServerAsync();
        (await later.GetAsync($"/api/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await later.PostAsync("/api/conversations", body)).StatusCode.Should().Be(HttpStatusCode.Created, "the id is free again");
        (await _database.QueryAsync($"SELECT count(*) FROM conversations WHERE id = '{id}' AND state IS NOT NULL")).Single().Should().Be("1");
    }

    private async Task<TestServer> StartServerAsync()
    {
        var folder = TempDirectory.Create();
        _folders.Add(folder);
        var server = await TestServer.StartAsync(folder.Path, o => { o.DatabaseUrl = _database!.Url; o.SecretKey = SecretKey; });
        _servers.Add(server);
        return server;
    }

    private static async Task<JsonArray> EventsAsync(TestServer server, string id)
    {
        var response = await server.GetAsync($"/api/conversations/{id}/events/search?limit=100");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["items"]!.AsArray();
    }

    private static async Task WaitForStatusAsync(TestServer server, string id, string status)
    {
        var last = "(none)";
        for (var i = 0; i < 400; i++)
        {
            last = (await (await server.GetAsync($"/api/conversations/{id}")).JsonAsync())["execution_status"]!.GetValue<string>();
            if (last == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new AssertionException($"conversation {id} never reached {status}; last status {last}");
    }
}
