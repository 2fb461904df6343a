using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary><c>/sockets/events/{id}</c> on the real server: auth, resend modes, live push, close codes.</summary>
[Category("AgentServer")]
public sealed class SocketsTests : ServerTestBase
{
    private const string SessionKey = "session-key-sockets-1";
    private FakeLlmServer _llm = null!;

    private bool WithKeys { get; set; }

    [SetUp]
    public async Task StartLlmAsync() => _llm = await FakeLlmServer.StartNewAsync();

    [TearDown]
    public async Task StopLlmAsync()
    {
        WithKeys = false; // NUnit shares one fixture instance across the tests.
        await _llm.DisposeAsync();
    }

    protected override void Configure(AgentServerOptions options)
    {
        options.SocketAuthTimeout = TimeSpan.FromMilliseconds(300);
        options.MaxSocketSubscribers = 2;
        if (WithKeys)
        {
            options.SessionApiKeys.Add(SessionKey);
        }
    }

    private (string Name, string Value)[] Auth => WithKeys ? [("X-Session-API-Key", SessionKey)] : [];

    private async Task RestartWithKeysAsync()
    {
        WithKeys = true;
        await RestartAsync();
    }

    private async Task<string> StartConversationAsync()
    {
        var save = await Server.PostAsync("/api/profiles/fast", new JsonObject
        {
            ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = "sk-test-socket-1", ["base_url"] = _llm.BaseUrl + "/v1", ["num_retries"] = 0 },
        }.ToJsonString(), Auth);
        save.StatusCode.Should().Be(HttpStatusCode.Created);
        var start = await Server.PostAsync("/api/conversations", "{\"llm_profile\":\"fast\"}", Auth);
        start.StatusCode.Should().Be(HttpStatusCode.Created, await start.Content.ReadAsStringAsync());
        return (await start.JsonAsync())["id"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> PostMessageAsync(string id, string text, bool run) =>
        Server.PostAsync($"/api/conversations/{id}/events", new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["run"] = run,
        }.ToJsonString(), Auth);

    private Task<ClientWebSocket> ConnectAsync(string path, Action<ClientWebSocketOptions>? configure = null) => EventSocket.ConnectAsync(Server, path, configure);

    private static Task<JsonNode?> ReceiveAsync(ClientWebSocket socket) => EventSocket.ReceiveAsync(socket);

    /// <summary>Reads frames until the server closes; returns them.</summary>
    private static async Task<List<JsonNode>> ReceiveUntilClosedAsync(ClientWebSocket socket)
    {
        var frames = new List<JsonNode>();
        while (await ReceiveAsync(socket) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static Task<List<JsonNode>> ReceiveUntilAsync(ClientWebSocket socket, Func<JsonNode, bool> stop) => EventSocket.ReceiveUntilAsync(socket, stop);

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static string Kind(JsonNode? frame) => EventSocket.Kind(frame);

    private static bool IsAgentText(JsonNode frame, string text) =>
        Kind(frame) == "MessageEvent" && frame["source"]!.GetValue<string>() == "agent" && frame.ToJsonString().Contains(text, StringComparison.Ordinal);

    [Test]
    public async Task Connect_ResendAll_SendsFullStateThenHistoryThenLiveEvents()
    {
        var id = await StartConversationAsync();
        _llm.Enqueue(FakeReply.Text("first answer"), FakeReply.Text("second answer"));
        (await PostMessageAsync(id, "first question", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
        await _llm.WaitForRequestsAsync(1);
        var history = await WaitForEventCountAsync(id, minimum: 2, containing: "first answer");

        using var socket = await ConnectAsync($"/sockets/events/{id}?resend_mode=all");
        var first = await ReceiveAsync(socket);
        first!["kind"]!.GetValue<string>().Should().Be("ConversationStateUpdateEvent");
        first["key"]!.GetValue<string>().Should().Be("full_state");
        first["value"]!["id"]!.GetValue<string>().Should().Be(id);
        first["value"]!["llm_profile"]!.GetValue<string>().Should().Be("fast");
        first["value"]!["agent"]!["llm"]!["api_key"].Should().BeNull();

        var replayed = await ReceiveUntilAsync(socket, f => IsAgentText(f, "first answer"));
        replayed.Select(f => f["id"]!.GetValue<string>()).Should().Equal(history.Take(replayed.Count), "history comes in log order, once");

        (await PostMessageAsync(id, "second question", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
        var live = await ReceiveUntilAsync(socket, f => IsAgentText(f, "second answer"));
        live.Should().Contain(f => Kind(f) == "MessageEvent" && f.ToJsonString().Contains("second question"));
        live.Select(f => f["id"]!.GetValue<string>()).Should().OnlyHaveUniqueItems().And.NotIntersectWith(replayed.Select(f => f["id"]!.GetValue<string>()));
    }

    [Test]
    public async Task Connect_NoResendMode_SendsOnlyNewEvents()
    {
        var id = await StartConversationAsync();
        _llm.Enqueue(FakeReply.Text("old answer"), FakeReply.Text("new answer"));
        await PostMessageAsync(id, "old question", run: true);
        await WaitForEventCountAsync(id, minimum: 2, containing: "old answer");

        using var socket = await ConnectAsync($"/sockets/events/{id}");
        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");
        await PostMessageAsync(id, "new question", run: true);
        var frames = await ReceiveUntilAsync(socket, f => IsAgentText(f, "new answer"));

        frames.Should().NotContain(f => f.ToJsonString().Contains("old"));
        frames.Should().Contain(f => f.ToJsonString().Contains("new question"));
    }

    [Test]
    public async Task Connect_ResendSince_SendsEventsAtOrAfterTheTimestamp()
    {
        var id = await StartConversationAsync();
        _llm.Enqueue(FakeReply.Text("early answer"), FakeReply.Text("late answer"));
        await PostMessageAsync(id, "early question", run: true);
        var early = await WaitForEventCountAsync(id, minimum: 2, containing: "early answer");
        await PostMessageAsync(id, "late question", run: true);
        var all = await WaitForEventCountAsync(id, minimum: early.Count + 2, containing: "late answer");
        var lateEvent = await (await Server.GetAsync($"/api/conversations/{id}/events/{all[early.Count]}", Auth)).JsonAsync();
        var since = Uri.EscapeDataString(lateEvent["timestamp"]!.GetValue<string>());

        using var socket = await ConnectAsync($"/sockets/events/{id}?resend_mode=since&after_timestamp={since}");
        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");
        var frames = await ReceiveUntilAsync(socket, f => IsAgentText(f, "late answer"));

        frames[0]["id"]!.GetValue<string>().Should().Be(all[early.Count]);
        frames.Should().NotContain(f => f.ToJsonString().Contains("early"));
    }

    [TestCase("resend_mode=sometimes")]
    [TestCase("resend_mode=since")]
    [TestCase("resend_mode=since&after_timestamp=yesterday")]
    public async Task Connect_BadResendQuery_ClosesWithPolicyViolation(string query)
    {
        var id = await StartConversationAsync();

        using var socket = await ConnectAsync($"/sockets/events/{id}?{query}");

        (await ReceiveUntilClosedAsync(socket)).Should().BeEmpty();
        socket.CloseStatus.Should().Be(WebSocketCloseStatus.PolicyViolation);
        socket.CloseStatusDescription.Should().Contain("resend_mode");
    }

    [TestCase("0b7e3a5e-8d3c-4f7e-9d44-3f9f0c1e2a10")]
    [TestCase("not-a-uuid")]
    public async Task Connect_UnknownConversation_Closes4004(string id)
    {
        using var socket = await ConnectAsync($"/sockets/events/{id}");

        (await ReceiveUntilClosedAsync(socket)).Should().BeEmpty();
        ((int?)socket.CloseStatus).Should().Be(4004);
    }

    [Test]
    public async Task Connect_WithKeyHeader_IsAccepted()
    {
        await RestartWithKeysAsync();
        var id = await StartConversationAsync();

        using var socket = await ConnectAsync($"/sockets/events/{id}", o => o.SetRequestHeader("X-Session-API-Key", SessionKey));

        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");
    }

    [Test]
    public async Task Connect_WithKeyInQuery_IsAccepted()
    {
        await RestartWithKeysAsync();
        var id = await StartConversationAsync();

        using var socket = await ConnectAsync($"/sockets/events/{id}?session_api_key={SessionKey}");

        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");
    }

    [Test]
    public async Task Connect_WithAuthFrame_IsAccepted()
    {
        await RestartWithKeysAsync();
        var id = await StartConversationAsync();

        using var socket = await ConnectAsync($"/sockets/events/{id}");
        await SendTextAsync(socket, new JsonObject { ["type"] = "auth", ["session_api_key"] = SessionKey }.ToJsonString());

        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");
    }

    [TestCase("header")]
    [TestCase("query")]
    [TestCase("frame")]
    [TestCase("not-json")]
    [TestCase("silence")]
    public async Task Connect_WrongOrMissingKey_Closes4001(string how)
    {
        await RestartWithKeysAsync();
        var id = await StartConversationAsync();

        using var socket = await ConnectAsync(
            how == "query" ? $"/sockets/events/{id}?session_api_key=wrong" : $"/sockets/events/{id}",
            o =>
            {
                if (how == "header")
                {
                    o.SetRequestHeader("X-Session-API-Key", "wrong");
                }
            });
        if (how == "frame")
        {
            await SendTextAsync(socket, "{\"type\":\"auth\",\"session_api_key\":\"wrong\"}");
        }
        else if (how == "not-json")
        {
            await SendTextAsync(socket, "hello");
        }

        (await ReceiveUntilClosedAsync(socket)).Should().BeEmpty("nothing is sent before authentication");
        ((int?)socket.CloseStatus).Should().Be(4001);
        socket.CloseStatusDescription.Should().Be("Authentication failed");
    }

    [Test]
    public async Task ClientFrame_Message_IsSentAndRuns()
    {
        var id = await StartConversationAsync();
        _llm.Enqueue(FakeReply.Text("answer over socket"));
        using var socket = await ConnectAsync($"/sockets/events/{id}");
        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");

        await SendTextAsync(socket, "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"question over socket\"}]}");
        var frames = await ReceiveUntilAsync(socket, f => IsAgentText(f, "answer over socket"));

        frames.Should().Contain(f => Kind(f) == "MessageEvent" && f.ToJsonString().Contains("question over socket"));
    }

    [TestCase("{not json")]
    [TestCase("[1,2]")]
    [TestCase("{\"role\":\"user\",\"content\":\"text, not parts\"}")]
    [TestCase("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}")]
    public async Task ClientFrame_Invalid_AnswersServerErrorAndStaysOpen(string frame)
    {
        var id = await StartConversationAsync();
        using var socket = await ConnectAsync($"/sockets/events/{id}");
        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");

        await SendTextAsync(socket, frame);
        var error = await ReceiveAsync(socket);

        Kind(error!).Should().Be("ServerErrorEvent");
        error!["code"]!.GetValue<string>().Should().Be("422");
        error["detail"]!.ToJsonString().Should().NotBeEmpty();
        socket.State.Should().Be(WebSocketState.Open);
        (await Server.GetAsync($"/api/conversations/{id}/events/count?kind=MessageEvent")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Delete_WhileSubscribed_Closes4004()
    {
        var id = await StartConversationAsync();
        using var socket = await ConnectAsync($"/sockets/events/{id}");
        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");

        (await Server.DeleteAsync($"/api/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await ReceiveUntilClosedAsync(socket);
        ((int?)socket.CloseStatus).Should().Be(4004);
        socket.CloseStatusDescription.Should().Be("Conversation deleted");
    }

    [Test]
    public async Task ServerStop_WhileSubscribed_Closes1001()
    {
        var id = await StartConversationAsync();
        using var socket = await ConnectAsync($"/sockets/events/{id}");
        Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent");

        var stopping = RestartAsync();
        await ReceiveUntilClosedAsync(socket);
        await stopping;

        socket.CloseStatus.Should().Be(WebSocketCloseStatus.EndpointUnavailable);
    }

    [Test]
    public async Task Connect_BeyondSubscriberLimit_Closes1013()
    {
        var id = await StartConversationAsync();
        using var a = await ConnectAsync($"/sockets/events/{id}");
        using var b = await ConnectAsync($"/sockets/events/{id}");
        Kind(await ReceiveAsync(a)).Should().Be("ConversationStateUpdateEvent");
        Kind(await ReceiveAsync(b)).Should().Be("ConversationStateUpdateEvent");

        using var c = await ConnectAsync($"/sockets/events/{id}");

        (await ReceiveUntilClosedAsync(c)).Should().BeEmpty();
        ((int?)c.CloseStatus).Should().Be(1013);
    }

    [Test]
    public async Task ClientClose_FreesTheSubscriberSlot()
    {
        var id = await StartConversationAsync();
        for (var i = 0; i < 4; i++)
        {
            using var socket = await ConnectAsync($"/sockets/events/{id}");
            Kind(await ReceiveAsync(socket)).Should().Be("ConversationStateUpdateEvent", $"connection {i} gets a slot");
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            socket.CloseStatus.Should().Be(WebSocketCloseStatus.NormalClosure);
        }
    }

    [Test]
    public async Task ClientAbort_FreesTheSubscriberSlot()
    {
        var id = await StartConversationAsync();
        for (var i = 0; i < 2; i++)
        {
            var gone = await ConnectAsync($"/sockets/events/{id}");
            Kind(await ReceiveAsync(gone)).Should().Be("ConversationStateUpdateEvent");
            gone.Abort();
            gone.Dispose();
        }

        // The server learns of an abort from its receive loop; give it a moment, then both slots must be free again.
        var accepted = 0;
        for (var attempt = 0; attempt < 100 && accepted < 2; attempt++)
        {
            accepted = 0;
            using var a = await ConnectAsync($"/sockets/events/{id}");
            using var b = await ConnectAsync($"/sockets/events/{id}");
            accepted += Kind(await ReceiveAsync(a)) == "ConversationStateUpdateEvent" ? 1 : 0;
            accepted += Kind(await ReceiveAsync(b)) == "ConversationStateUpdateEvent" ? 1 : 0;
            await Task.Delay(50);
        }

        accepted.Should().Be(2);
    }

    [Test]
    public async Task PlainHttpGet_Returns400WithDetail()
    {
        var id = await StartConversationAsync();

        var response = await Server.GetAsync($"/sockets/events/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("websocket");
    }

    /// <summary>Polls the events endpoint until at least <paramref name="minimum"/> events exist and one contains the text; returns the ids.</summary>
    private async Task<List<string>> WaitForEventCountAsync(string id, int minimum, string containing)
    {
        for (var i = 0; i < 400; i++)
        {
            var page = await (await Server.GetAsync($"/api/conversations/{id}/events/search", Auth)).JsonAsync();
            var items = page["items"]!.AsArray();
            if (items.Count >= minimum && items.Any(e => e!.ToJsonString().Contains(containing, StringComparison.Ordinal)))
            {
                return [.. items.Select(e => e!["id"]!.GetValue<string>())];
            }

            await Task.Delay(25);
        }

        throw new AssertionException($"conversation {id} never had {minimum} events with '{containing}'");
    }
}
