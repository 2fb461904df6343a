using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Endpoints;

/// <summary>
/// The control routes of issue 14 on the real server with the scripted fake LLM: streaming deltas on the websocket,
/// confirmation of risky actions, secrets, interrupt, stuck detection, condensation by profile, side questions, the final
/// response and forks.
/// </summary>
[Category("AgentServer")]
public sealed class ConversationControlTests : LlmServerTestBase
{
    private static string AgentText(JsonNode message) => message["llm_message"]!["content"]!.AsArray()
        .Select(p => p!["text"]?.GetValue<string>()).Aggregate(string.Empty, (a, b) => a + b);

    private static bool IsAgentMessage(JsonNode frame) =>
        EventSocket.Kind(frame) == "MessageEvent" && frame["source"]!.GetValue<string>() == "agent";

    [TestCase("openai/gpt-4o")]
    [TestCase("anthropic/claude-sonnet-4")]
    public async Task Socket_StreamingProfile_DeltasPrecedeTheMessageAndAssembleIntoTheNonStreamedOne(string model)
    {
        const string Reply = "Streaming over the socket arrives one word at a time.";
        await SaveProfileAsync("streamed", model, stream: true);
        await SaveProfileAsync("whole", model);
        Llm.Enqueue(FakeReply.Text(Reply), FakeReply.Text(Reply));

        var streamed = await StartAsync(new JsonObject { ["llm_profile"] = "streamed" });
        using var socket = await EventSocket.ConnectAsync(Server, $"/sockets/events/{streamed}");
        (await SendAsync(streamed, "Say it.", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
        var frames = await EventSocket.ReceiveUntilAsync(socket, IsAgentMessage);
        await WaitForStatusAsync(streamed, "finished");

        var whole = await StartAsync(new JsonObject { ["llm_profile"] = "whole" });
        (await SendAsync(whole, "Say it.", run: true)).StatusCode.Should().Be(HttpStatusCode.OK);
        await WaitForStatusAsync(whole, "finished");
        var wholeMessage = (await EventsAsync(whole)).Last(e => IsAgentMessage(e!))!;

        var deltas = frames.Where(f => EventSocket.Kind(f) == "StreamingDeltaEvent").Select(f => f["content"]?.GetValue<string>()).OfType<string>().ToList();
        deltas.Should().HaveCountGreaterThanOrEqualTo(2, "the reply is streamed in pieces before the message");
        string.Concat(deltas).Should().Be(AgentText(frames[^1]));
        AgentText(frames[^1]).Should().Be(AgentText(wholeMessage)).And.Be(Reply);
        Llm.Requests[0].BodyText.Should().Contain("\"stream\"");
        (await EventsAsync(streamed)).Select(e => EventSocket.Kind(e)).Should().NotContain("StreamingDeltaEvent", "deltas are not history");
        (await (await Server.GetAsync($"/api/conversations/{streamed}/events/count?kind=StreamingDeltaEvent")).JsonAsync()).GetValue<int>().Should().Be(0);
    }

    [Test]
    public async Task ConfirmRisky_RiskyCommandWaits_RejectLeavesItUnrunAndAcceptRunsIt()
    {
        using var work = TempDirectory.Create();
        var victim = Path.Combine(work.Path, "victim");
        Directory.CreateDirectory(victim);
        File.WriteAllText(Path.Combine(victim, "keep.txt"), "precious");
        await SaveProfileAsync("fast");
        Llm.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "rm -rf victim"}""", "call_1"),
            FakeReply.ToolCall("terminal", """{"command": "rm -rf victim"}""", "call_2"),
            FakeReply.Text("Removed it."));
        var id = await StartAsync(new JsonObject
        {
            ["llm_profile"] = "fast",
            ["agent"] = new JsonObject { ["tools"] = new JsonArray(Terminal()) },
            ["workspace"] = new JsonObject { ["working_dir"] = work.Path },
            ["confirmation_policy"] = new JsonObject { ["kind"] = "ConfirmRisky", ["threshold"] = "MEDIUM" },
            ["security_analyzer"] = new JsonObject { ["kind"] = "PatternSecurityAnalyzer" },
        });

        await SendAsync(id, "Clean up the victim folder.", run: true);
        var waiting = await WaitForStatusAsync(id, "waiting_for_confirmation", "finished", "error");
        waiting["execution_status"]!.GetValue<string>().Should().Be("waiting_for_confirmation");
        waiting["confirmation_policy"]!["kind"]!.GetValue<string>().Should().Be("ConfirmRisky");
        waiting["security_analyzer"]!["kind"]!.GetValue<string>().Should().Be("PatternSecurityAnalyzer");
        Directory.Exists(victim).Should().BeTrue("a risky command waits for confirmation");

        var reject = await Server.PostAsync($"/api/conversations/{id}/events/respond_to_confirmation", """{"accept": false, "reason": "Keep that folder."}""");
        reject.StatusCode.Should().Be(HttpStatusCode.OK, await reject.Content.ReadAsStringAsync());
        (await WaitForStatusAsync(id, "idle"))["execution_status"]!.GetValue<string>().Should().Be("idle");
        Directory.Exists(victim).Should().BeTrue("a rejected command never runs");
        var rejection = (await EventsAsync(id)).Single(e => EventSocket.Kind(e) == "UserRejectObservation")!;
        rejection["rejection_reason"]!.GetValue<string>().Should().Be("Keep that folder.");

        await SendAsync(id, "I changed my mind: remove it.", run: true);
        await WaitForStatusAsync(id, "waiting_for_confirmation");
        Directory.Exists(victim).Should().BeTrue();
        var accept = await Server.PostAsync($"/api/conversations/{id}/events/respond_to_confirmation", """{"accept": true}""");
        accept.StatusCode.Should().Be(HttpStatusCode.OK, await accept.Content.ReadAsStringAsync());
        await WaitForStatusAsync(id, "finished");
        Directory.Exists(victim).Should().BeFalse("an accepted command runs");
    }

    [Test]
    public async Task Secrets_UsedInACommand_CommandSeesThemAndTheyAreInNoEventFileOrSocketFrame()
    {
        const string StartCanary = "sk-test-start-secret";
        const string RouteCanary = "sk-test-route-secret";
        using var work = TempDirectory.Create();
        await SaveProfileAsync("fast");
        Llm.Enqueue(
            FakeReply.ToolCall("terminal", """{"command": "printf '%s %s' \"$API_TOKEN\" \"$ROUTE_TOKEN\" > seen.txt && echo token=$API_TOKEN route=$ROUTE_TOKEN"}""", "call_1"),
            FakeReply.Text("Used the tokens."));
        var id = await StartAsync(new JsonObject
        {
            ["llm_profile"] = "fast",
            ["agent"] = new JsonObject { ["tools"] = new JsonArray(Terminal()) },
            ["workspace"] = new JsonObject { ["working_dir"] = work.Path },
            ["secrets"] = new JsonObject { ["API_TOKEN"] = StartCanary },
        });
        var update = await Server.PostAsync($"/api/conversations/{id}/secrets",
            new JsonObject { ["secrets"] = new JsonObject { ["ROUTE_TOKEN"] = new JsonObject { ["kind"] = "StaticSecret", ["value"] = RouteCanary } } }.ToJsonString());
        update.StatusCode.Should().Be(HttpStatusCode.OK, await update.Content.ReadAsStringAsync());

        using var socket = await EventSocket.ConnectAsync(Server, $"/sockets/events/{id}");
        await SendAsync(id, "Use the tokens.", run: true);
        var frames = await EventSocket.ReceiveUntilAsync(socket, IsAgentMessage);
        await WaitForStatusAsync(id, "finished");

        File.ReadAllText(Path.Combine(work.Path, "seen.txt")).Should().Be($"{StartCanary} {RouteCanary}", "the command saw the values");
        var socketText = string.Join("\n", frames.Select(f => f.ToJsonString()));
        socketText.Should().NotContain(StartCanary).And.NotContain(RouteCanary).And.Contain("secret-hidden");
        var events = (await EventsAsync(id)).ToJsonString();
        events.Should().NotContain(StartCanary).And.NotContain(RouteCanary).And.Contain("secret-hidden");
        FilesContaining(StartCanary).Should().BeEmpty();
        FilesContaining(RouteCanary).Should().BeEmpty();
        Llm.Requests.Should().NotContain(r => r.BodyText.Contains(StartCanary) || r.BodyText.Contains(RouteCanary), "the model sees the masked output");
    }

    [Test]
    public async Task Interrupt_InFlight30SecondLlmCall_EndsItAtOnceAndLeavesThePausedConversation()
    {
        await SaveProfileAsync("slow");
        Llm.Enqueue(FakeReply.Delay(TimeSpan.FromSeconds(30), FakeReply.Text("far too late")));
        var id = await StartAsync(new JsonObject { ["llm_profile"] = "slow" });
        await SendAsync(id, "Take your time.", run: true);
        await Llm.WaitForRequestsAsync(1);

        var clock = Stopwatch.StartNew();
        var interrupt = await Server.PostAsync($"/api/conversations/{id}/interrupt");
        interrupt.StatusCode.Should().Be(HttpStatusCode.OK, await interrupt.Content.ReadAsStringAsync());
        await WaitForStatusAsync(id, "paused");
        clock.Stop();

        TestContext.Out.WriteLine($"interrupt of a 30 s LLM call: paused after {clock.ElapsedMilliseconds} ms");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the call is cancelled, not awaited");
        (await EventsAsync(id)).Select(e => EventSocket.Kind(e)).Should().Contain("InterruptEvent");
        (await EventsAsync(id)).ToJsonString().Should().NotContain("far too late");
    }

    [Test]
    public async Task Run_LoopingModel_EndsStuck()
    {
        await SaveProfileAsync("loop");
        Llm.Responder = _ => FakeReply.ToolCall("terminal", """{"command": "echo again"}""");
        var id = await StartAsync(new JsonObject { ["llm_profile"] = "loop", ["agent"] = new JsonObject { ["tools"] = new JsonArray(Terminal()) } });
        await SendAsync(id, "Loop.", run: true);

        (await WaitForStatusAsync(id, "stuck", "error", "finished"))["execution_status"]!.GetValue<string>().Should().Be("stuck");
    }

    [Test]
    public async Task Condenser_PastItsSize_SummarizesWithTheCondenserProfileCountsItsUsageAndRestoresCondensed()
    {
        await SaveProfileAsync("main", "openai/gpt-main");
        await SaveProfileAsync("cheap", "openai/gpt-cheap");
        var steps = 0;
        Llm.Responder = request => request.Model == "gpt-cheap"
            ? FakeReply.Text("SUMMARY: the agent echoed six lines.").WithUsage(30, 7)
            : Interlocked.Increment(ref steps) <= 6
                ? FakeReply.ToolCall("terminal", $$"""{"command": "echo line {{steps}}"}""").WithUsage(10, 2)
                : FakeReply.Text("All six lines echoed.").WithUsage(10, 2);
        var id = await StartAsync(new JsonObject
        {
            ["llm_profile"] = "main",
            ["condenser_profile"] = "cheap",
            ["agent"] = new JsonObject
            {
                ["tools"] = new JsonArray(Terminal()),
                ["condenser"] = new JsonObject { ["kind"] = "LLMSummarizingCondenser", ["max_size"] = 10, ["keep_first"] = 1 },
            },
        });
        await SendAsync(id, "Echo six lines.", run: true);
        var info = await WaitForStatusAsync(id, "finished", "error", "stuck");

        info["execution_status"]!.GetValue<string>().Should().Be("finished", "the conversation keeps running after condensing");
        var condenserCalls = Llm.Requests.Count(r => r.Model == "gpt-cheap");
        condenserCalls.Should().BePositive("the summary is written by the condenser profile's model");
        (await EventsAsync(id)).Select(e => EventSocket.Kind(e)).Should().Contain("Condensation");
        info["metrics"]!["calls"]!.GetValue<int>().Should().Be(Llm.Requests.Count, "condenser calls count in the conversation's usage");

        await RestartAsync();
        (await EventsAsync(id)).Select(e => EventSocket.Kind(e)).Should().Contain("Condensation", "the condensation survives restore");
        var before = Llm.Requests.Count;
        await SendAsync(id, "Anything else?", run: true);
        await WaitForStatusAsync(id, "finished");
        var next = Llm.Requests.Skip(before).First(r => r.Model == "gpt-main");
        next.BodyText.Should().Contain("SUMMARY: the agent echoed six lines.", "a restored conversation sends the summary in place of the forgotten events");

        var condense = await Server.PostAsync($"/api/conversations/{id}/condense");
        condense.StatusCode.Should().Be(HttpStatusCode.OK, await condense.Content.ReadAsStringAsync());
        (await EventsAsync(id)).Select(e => EventSocket.Kind(e)).Should().Contain("CondensationRequest");
    }

    [Test]
    public async Task Condense_AgentWithoutCondenser_Is409()
    {
        await SaveProfileAsync("fast");
        var id = await StartAsync(new JsonObject { ["llm_profile"] = "fast" });
        var response = await Server.PostAsync($"/api/conversations/{id}/condense");
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().Contain("no condenser");
    }

    [Test]
    public async Task AskAgentFinalResponseAndFork_AnswerWithoutChangingTheHistoryAndCopyIt()
    {
        await SaveProfileAsync("fast");
        Llm.Enqueue(FakeReply.Text("The capital is Paris."), FakeReply.Text("You said Paris."));
        var id = await StartAsync(new JsonObject { ["llm_profile"] = "fast" });
        (await (await Server.GetAsync($"/api/conversations/{id}/agent_final_response")).JsonAsync())["response"]!.GetValue<string>().Should().BeEmpty();
        await SendAsync(id, "What is the capital of France?", run: true);
        await WaitForStatusAsync(id, "finished");

        (await (await Server.GetAsync($"/api/conversations/{id}/agent_final_response")).JsonAsync())["response"]!.GetValue<string>().Should().Be("The capital is Paris.");
        var events = await EventsAsync(id);
        var ask = await Server.PostAsync($"/api/conversations/{id}/ask_agent", """{"question": "What did you answer?"}""");
        ask.StatusCode.Should().Be(HttpStatusCode.OK, await ask.Content.ReadAsStringAsync());
        (await ask.JsonAsync())["response"]!.GetValue<string>().Should().Be("You said Paris.");
        (await EventsAsync(id)).Count.Should().Be(events.Count, "a side question changes nothing");
        Llm.Requests[^1].BodyText.Should().Contain("What did you answer?").And.Contain("The capital is Paris.");

        var fork = await Server.PostAsync($"/api/conversations/{id}/fork", """{"title": "A copy", "tags": {"kind": "fork"}}""");
        fork.StatusCode.Should().Be(HttpStatusCode.Created, await fork.Content.ReadAsStringAsync());
        var forked = await fork.JsonAsync();
        var forkId = forked["id"]!.GetValue<string>();
        forkId.Should().NotBe(id);
        forked["title"]!.GetValue<string>().Should().Be("A copy");
        forked["tags"]!["kind"]!.GetValue<string>().Should().Be("fork");
        forked["llm_profile"]!.GetValue<string>().Should().Be("fast");
        forked["execution_status"]!.GetValue<string>().Should().Be("idle");
        (await EventsAsync(forkId)).Count.Should().Be(events.Count);

        var firstEvent = events[0]!["id"]!.GetValue<string>();
        var partial = await Server.PostAsync($"/api/conversations/{id}/fork", new JsonObject { ["from_event_id"] = firstEvent }.ToJsonString());
        partial.StatusCode.Should().Be(HttpStatusCode.Created);
        (await EventsAsync((await partial.JsonAsync())["id"]!.GetValue<string>())).Should().ContainSingle();

        (await Server.PostAsync($"/api/conversations/{id}/fork", """{"from_event_id": "no-such-event"}""")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Server.PostAsync($"/api/conversations/{id}/fork", new JsonObject { ["id"] = forkId }.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Server.PostAsync($"/api/conversations/{id}/fork", """{"id": "not-a-uuid"}""")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await Server.PostAsync($"/api/conversations/{id}/fork", null)).StatusCode.Should().Be(HttpStatusCode.Created, "the body is optional");

        await RestartAsync();
        (await Server.GetAsync($"/api/conversations/{forkId}")).StatusCode.Should().Be(HttpStatusCode.OK, "a fork is persisted");
        (await (await Server.GetAsync($"/api/conversations/{forkId}")).JsonAsync())["title"]!.GetValue<string>().Should().Be("A copy");
    }

    [Test]
    public async Task PolicyAndAnalyzerRoutes_SetAndShowThem()
    {
        await SaveProfileAsync("fast");
        var id = await StartAsync(new JsonObject { ["llm_profile"] = "fast" });
        var info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();
        info["confirmation_policy"]!["kind"]!.GetValue<string>().Should().Be("NeverConfirm");
        info["security_analyzer"].Should().BeNull();

        (await Server.PostAsync($"/api/conversations/{id}/confirmation_policy", """{"policy": {"kind": "AlwaysConfirm"}}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.PostAsync($"/api/conversations/{id}/security_analyzer", """{"security_analyzer": {"kind": "PatternSecurityAnalyzer"}}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();
        info["confirmation_policy"]!["kind"]!.GetValue<string>().Should().Be("AlwaysConfirm");
        info["security_analyzer"]!["kind"]!.GetValue<string>().Should().Be("PatternSecurityAnalyzer");

        (await Server.PostAsync($"/api/conversations/{id}/security_analyzer", """{"security_analyzer": null}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        await RestartAsync();
        info = await (await Server.GetAsync($"/api/conversations/{id}")).JsonAsync();
        info["confirmation_policy"]!["kind"]!.GetValue<string>().Should().Be("AlwaysConfirm", "the policy is persisted");
        info["security_analyzer"].Should().BeNull();
    }

    [TestCase("confirmation_policy", """{"policy": {"kind": "SometimesConfirm"}}""", "policy")]
    [TestCase("confirmation_policy", """{}""", "policy")]
    [TestCase("confirmation_policy", """{"policy": {"kind": "ConfirmRisky", "threshold": "EXTREME"}}""", "policy")]
    [TestCase("security_analyzer", """{"security_analyzer": {"kind": "LLMSecurityAnalyzer"}}""", "security_analyzer")]
    [TestCase("events/respond_to_confirmation", """{"reason": "no accept"}""", "accept")]
    [TestCase("events/respond_to_confirmation", """{"accept": "yes"}""", "accept")]
    [TestCase("secrets", """{}""", "secrets")]
    [TestCase("secrets", """{"secrets": {"1BAD": "x"}}""", "secrets")]
    [TestCase("secrets", """{"secrets": {"TOKEN": {"kind": "LookupSecret", "url": "http://127.0.0.1:9/x"}}}""", "secrets")]
    [TestCase("secrets", """{"secrets": {"TOKEN": {"kind": "StaticSecret"}}}""", "secrets")]
    [TestCase("ask_agent", """{"question": "  "}""", "question")]
    [TestCase("ask_agent", """{"question": 42}""", "question")]
    [TestCase("fork", """{"title": ""}""", "title")]
    public async Task ControlRoute_BadBody_Is422NamingTheFieldAndChangesNothing(string route, string body, string field)
    {
        await SaveProfileAsync("fast");
        var id = await StartAsync(new JsonObject { ["llm_profile"] = "fast" });
        var state = File.ReadAllText(Path.Combine(Server.PersistenceDirectory, "conversations", Guid.Parse(id).ToString("N"), "base_state.json"));

        var response = await Server.PostAsync($"/api/conversations/{id}/{route}", body);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        var detail = (await response.JsonAsync())["detail"]!.AsArray();
        detail[0]!["loc"]!.AsArray().Select(l => l!.ToString()).Should().Contain(field);
        File.ReadAllText(Path.Combine(Server.PersistenceDirectory, "conversations", Guid.Parse(id).ToString("N"), "base_state.json")).Should().Be(state);
    }

    [TestCase("POST", "interrupt")]
    [TestCase("POST", "condense")]
    [TestCase("GET", "agent_final_response")]
    [TestCase("POST", "fork")]
    public async Task ControlRoute_UnknownConversation_Is404(string method, string route)
    {
        var response = await Server.SendAsync(new HttpMethod(method), $"/api/conversations/{Guid.NewGuid()}/{route}", method == "GET" ? null : "{}");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.JsonAsync())["detail"]!.GetValue<string>().Should().StartWith("Conversation not found");
    }

    [Test]
    public async Task Start_BadControlFields_Is422BeforeAnythingIsWritten()
    {
        await SaveProfileAsync("fast");
        foreach (var (body, field) in new (string, string)[]
        {
            ("""{"llm_profile": "fast", "confirmation_policy": {"kind": "Maybe"}}""", "confirmation_policy"),
            ("""{"llm_profile": "fast", "security_analyzer": {"kind": "GraySwan"}}""", "security_analyzer"),
            ("""{"llm_profile": "fast", "secrets": {"not a name": "x"}}""", "secrets"),
            ("""{"llm_profile": "fast", "agent": {"mcp_config": {"mcpServers": {"x": {}}}}}""", "mcp_config"),
            ("""{"llm_profile": "fast", "agent": {"condenser": {"kind": "LLMSummarizingCondenser", "max_size": 4, "keep_first": 3}}}""", "condenser"),
            ("""{"llm_profile": "fast", "condenser_profile": "cheap"}""", "condenser_profile"),
        })
        {
            var response = await Server.PostAsync("/api/conversations", body);
            response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, body);
            (await response.JsonAsync())["detail"]![0]!["loc"]!.AsArray().Select(l => l!.ToString()).Should().Contain(field, body);
        }

        (await (await Server.GetAsync("/api/conversations/count")).JsonAsync()).GetValue<int>().Should().Be(0);
    }
}
