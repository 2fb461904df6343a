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

    [Test]
    public async Task WebsocketOnInstanceB_ReceivesHistoryThenEveryLiveEventOfARunOnInstanceA_InOrderAndOnce()
    {
        var (a, b) = (_servers[0], _servers[1]);
        var profile = new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm!.BaseUrl + "/v1", ["num_retries"] = 0 },
        };
        (await a.PostAsync("/api/profiles/shared", profile.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.Created);
        using var work = TempDirectory.Create();
        var started = await a.PostAsync("/api/conversations", new JsonObject
        {
            ["llm_profile"] = "shared",
            ["agent"] = new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["name"] = "terminal" }) },
            ["workspace"] = new JsonObject { ["working_dir"] = work.Path },
        }.ToJsonString());
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var id = (await started.JsonAsync())["id"]!.GetValue<string>();

        // History before the socket: one message, stored by A.
        (await a.PostAsync($"/api/conversations/{id}/events", """{"role":"user","content":[{"type":"text","text":"before the socket"}],"run":false}"""))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        using var socket = await EventSocket.ConnectAsync(b, $"/sockets/events/{id}?resend_mode=all");
        (await EventSocket.ReceiveAsync(socket))!["key"]!.GetValue<string>().Should().Be("full_state");

        // Then a run of several steps on A, each LLM call slowed so that events arrive one by one while B watches.
        var steps = Enumerable.Range(0, 4)
            .Select(i => FakeReply.Delay(TimeSpan.FromMilliseconds(40), FakeReply.ToolCall("terminal", $$"""{"command": "echo step-{{i}}"}""", $"call_{i}")))
            .Append(FakeReply.Text("All done on A."))
            .ToArray();
        _llm.Enqueue(steps);
        (await a.PostAsync($"/api/conversations/{id}/events", """{"role":"user","content":[{"type":"text","text":"run on A"}],"run":true}"""))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        var received = await EventSocket.ReceiveUntilAsync(socket, f => f["kind"]?.GetValue<string>() == "MessageEvent" && f.ToJsonString().Contains("All done on A.", StringComparison.Ordinal));
        await WaitForStatusAsync(a, id, "finished");

        var stored = (await _database!.QueryAsync($"SELECT event_id FROM conversation_events WHERE conversation_id = '{id}' ORDER BY seq")).Select(v => v!).ToList();
        var ids = received.Where(f => f["id"] is not null && EventSocket.Kind(f) != "StreamingDeltaEvent").Select(f => f["id"]!.GetValue<string>()).ToList();
        ids.Should().Equal(stored.Take(ids.Count), "B's socket gets the stored events in order, each once, history then live");
        ids.Count.Should().BeGreaterThanOrEqualTo(stored.Count - 1, "and every event up to the final message (a state update may follow it)");
        received.Count(f => EventSocket.Kind(f) == "ActionEvent").Should().Be(4);
        (await (await b.GetAsync($"/api/conversations/{id}/events/count")).JsonAsync()).GetValue<int>().Should().Be(stored.Count, "B's REST reads show the new events without a restart");
        (await (await b.GetAsync($"/api/conversations/{id}")).JsonAsync())["execution_status"]!.GetValue<string>().Should().Be("finished");
    }

    [Test]
    public async Task MessageSentToInstanceB_WhileInstanceARunsTheConversation_IsCarriedOutByA()
    {
        var (a, b) = (_servers[0], _servers[1]);
        var profile = new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm!.BaseUrl + "/v1", ["num_retries"] = 0 },
        };
        (await a.PostAsync("/api/profiles/shared", profile.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.Created);
        var started = await a.PostAsync("/api/conversations", """{"llm_profile":"shared"}""");
        var id = (await started.JsonAsync())["id"]!.GetValue<string>();
        // Both replies slow: a message sent during the run may end the first call early, and the run must still be going
        // when the run request arrives.
        _llm.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(1.5), FakeReply.Text("first answer")), FakeReply.Delay(TimeSpan.FromSeconds(1.5), FakeReply.Text("second answer")));
        (await a.PostAsync($"/api/conversations/{id}/events", """{"role":"user","content":[{"type":"text","text":"first"}],"run":true}"""))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        await _llm.WaitForRequestsAsync(1);

        // A runs it (its lease is live); B forwards the message to A, which queues it into the run.
        var sent = await b.PostAsync($"/api/conversations/{id}/events", """{"role":"user","content":[{"type":"text","text":"second, via B"}],"run":true}""");
        sent.StatusCode.Should().Be(HttpStatusCode.OK, await sent.Content.ReadAsStringAsync());
        var run = await b.PostAsync($"/api/conversations/{id}/run", "");
        run.StatusCode.Should().Be(HttpStatusCode.Conflict, "a run sent to B is answered by A, which is running it already");
        await WaitForStatusAsync(a, id, "finished");

        var viaB = (await _database!.QueryAsync($"SELECT lease_token FROM conversation_events WHERE conversation_id = '{id}' AND document LIKE '%second, via B%'")).ToList();
        viaB.Should().HaveCount(1, "the message was stored once");
        var last = (await _database.QueryAsync($"SELECT lease_token FROM conversation_events WHERE conversation_id = '{id}' ORDER BY seq DESC LIMIT 1")).Single();
        last.Should().Be(viaB[0], "A stored the message under the lease of its run, which wrote the final answer: B did not write it");
        (await _database.QueryAsync($"SELECT count(*) FROM conversation_events WHERE conversation_id = '{id}' AND document LIKE '%second answer%'")).Single().Should().Be("1");
        (await _database.QueryAsync($"SELECT owner_url FROM conversation_leases WHERE conversation_id = '{id}'")).Single().Should().Be(a.BaseUrl.TrimEnd('/'));
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
