using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.ScaleOut;

/// <summary>
/// A conversation runs on exactly one instance at a time, and survives the death of that instance (issue 13): three
/// real host processes on one database, leases of one second; twenty times, the instance that runs a conversation is
/// killed with SIGKILL in the middle of its run, another instance takes the run over by itself and finishes it. The
/// event table is the judge: no event lost (everything the dead instance stored is still there, first), none
/// duplicated (each step's action and observation exactly once), no gap, and no row written under an older lease token
/// after a newer one.
/// </summary>
[Category("PostgreSql")]
[NonParallelizable]
public sealed class ConversationTakeoverTests
{
    private const string SecretKey = "test-cipher-key-takeover";
    private const string Key = "sk-test-takeover";
    private const int Steps = 6;
    private const int Rounds = 20;

    private readonly HostProcess?[] _hosts = new HostProcess?[3];
    private readonly List<TempDirectory> _folders = [];
    private TestDatabase? _database;
    private FakeLlmServer? _llm;

    [SetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _llm = await FakeLlmServer.StartNewAsync();

        // The reply depends only on the conversation so far (how many tool results it holds), so an LLM call repeated by
        // the instance that takes over gets the same answer.
        _llm.Responder = request =>
        {
            var done = request.Body!.RootElement.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("role").GetString() == "tool");
            return done < Steps
                ? FakeReply.Delay(TimeSpan.FromMilliseconds(60), FakeReply.ToolCall("terminal", $$"""{"command": "echo step-{{done}}"}""", $"call_{done}"))
                : FakeReply.Text("All steps done.");
        };
        for (var i = 0; i < _hosts.Length; i++)
        {
            _folders.Add(TempDirectory.Create());
        }

        await Task.WhenAll(Enumerable.Range(0, _hosts.Length).Select(async i => _hosts[i] = await StartHostAsync(i)));
    }

    [TearDown]
    public async Task StopAsync()
    {
        try
        {
            foreach (var host in _hosts.OfType<HostProcess>())
            {
                await host.DisposeAsync();
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

            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task KillingTheRunningInstance_TwentyTimes_AnotherFinishesEachRun_NoEventLostOrDuplicated_NoFencedWrite()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var profile = new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm!.BaseUrl + "/v1", ["num_retries"] = 0 } };
        (await client.PostAsync(new Uri(_hosts[0]!.Address, "/api/profiles/takeover"), Json(profile))).StatusCode.Should().Be(HttpStatusCode.Created);
        var random = new Random(13);
        var takeovers = new List<TimeSpan>();

        for (var round = 0; round < Rounds; round++)
        {
            var runner = round % _hosts.Length;
            var host = _hosts[runner]!;
            using var work = TempDirectory.Create();
            var start = new JsonObject
            {
                ["llm_profile"] = "takeover",
                ["agent"] = new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["name"] = "terminal" }) },
                ["workspace"] = new JsonObject { ["working_dir"] = work.Path },
                ["initial_message"] = new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = $"round {round}" }), ["run"] = true },
            };
            using var started = await client.PostAsync(new Uri(host.Address, "/api/conversations"), Json(start));
            started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
            var id = (await started.JsonAsync())["id"]!.GetValue<string>();

            // Kill somewhere in the middle: after 1 to 3 observations, plus up to 80 ms (inside an LLM call or a command).
            await WaitUntilAsync(async () => await CountAsync(id, "ObservationEvent") >= 1 + (round % 3), $"round {round}: observations on the first instance");
            await Task.Delay(random.Next(0, 80));
            await host.KillAsync();
            var killedAt = DateTime.UtcNow;
            var stored = await EventIdsAsync(id);
            var status = await StatusAsync(id);
            status.Should().Be("running", $"round {round}: the run was still going when its instance died");

            await WaitUntilAsync(async () => await StatusAsync(id) == "finished", $"round {round}: the run finished on another instance");
            takeovers.Add(DateTime.UtcNow - killedAt);

            var events = await RowsAsync(id);
            events.Select(e => e.Seq).Should().Equal(Enumerable.Range(0, events.Count), $"round {round}: no gap in the event sequence");
            events.Select(e => e.Id).Should().OnlyHaveUniqueItems();
            events.Select(e => e.Id).Take(stored.Count).Should().Equal(stored, $"round {round}: everything the dead instance stored is kept, first");
            for (var step = 0; step < Steps; step++)
            {
                var call = $"call_{step}";
                events.Count(e => e.Kind == "ActionEvent" && e.ToolCallId == call).Should().Be(1, $"round {round}: the action of step {step} once");
                events.Count(e => e.Kind == "ObservationEvent" && e.ToolCallId == call).Should().Be(1, $"round {round}: the observation of step {step} once");
            }

            events.Count(e => e.Kind == "MessageEvent" && e.Document.Contains($"round {round}\"", StringComparison.Ordinal)).Should().Be(1);
            var tokens = events.Select(e => e.Token ?? 0).ToList();
            tokens.Should().BeInAscendingOrder($"round {round}: no row written under an older lease token after a newer one (a fenced owner)");
            tokens[^1].Should().BeGreaterThan(tokens[0], $"round {round}: the end of the run was written under the new owner's lease");
            var owner = (await _database!.QueryAsync($"SELECT owner_url FROM conversation_leases WHERE conversation_id = '{id}'")).Single();
            owner.Should().NotBe(host.Address.GetLeftPart(UriPartial.Authority), $"round {round}: another instance finished it");

            await host.DisposeAsync();
            _hosts[runner] = await StartHostAsync(runner);
        }

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"takeover to finish after kill -9 (lease 1 s): median {takeovers.Order().ElementAt(takeovers.Count / 2).TotalMilliseconds:F0} ms, max {takeovers.Max().TotalMilliseconds:F0} ms over {takeovers.Count} rounds"));
    }

    [Test]
    public async Task StalledOwner_ResumingAfterATakeover_WritesNothingMore()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var profile = new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = Key, ["base_url"] = _llm!.BaseUrl + "/v1", ["num_retries"] = 0 } };
        (await client.PostAsync(new Uri(_hosts[0]!.Address, "/api/profiles/takeover"), Json(profile))).StatusCode.Should().Be(HttpStatusCode.Created);
        var stalled = _hosts[0]!;
        using var work = TempDirectory.Create();
        var start = new JsonObject
        {
            ["llm_profile"] = "takeover",
            ["agent"] = new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["name"] = "terminal" }) },
            ["workspace"] = new JsonObject { ["working_dir"] = work.Path },
            ["initial_message"] = new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "stall" }), ["run"] = true },
        };
        using var started = await client.PostAsync(new Uri(stalled.Address, "/api/conversations"), Json(start));
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var id = (await started.JsonAsync())["id"]!.GetValue<string>();
        await WaitUntilAsync(async () => await CountAsync(id, "ObservationEvent") >= 2, "observations on the first instance");

        // SIGSTOP: the owner freezes mid-run (a long GC pause, a VM stall), keeps its state, and misses its renewals.
        Signal(stalled, "STOP");
        await WaitUntilAsync(async () => await StatusAsync(id) == "finished", "the run finished on another instance");
        var finished = await RowsAsync(id);
        Signal(stalled, "CONT");
        await WaitUntilAsync(() => Task.FromResult(stalled.Output.Contains("another instance took its lease over", StringComparison.Ordinal)
            || stalled.Output.Contains("was taken over by another instance", StringComparison.Ordinal)), "the resumed owner to notice it lost the lease");
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // time for anything the resumed owner still had in flight

        (await RowsAsync(id)).Should().BeEquivalentTo(finished, o => o.WithStrictOrdering(), "the fenced owner wrote no event after the takeover");
        (await StatusAsync(id)).Should().Be("finished", "and no state either");
        (await _database!.QueryAsync($"SELECT count(*) FROM conversation_events WHERE conversation_id = '{id}' AND kind = 'ConversationErrorEvent'")).Single().Should().Be("0");
    }

    private static void Signal(HostProcess host, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, host.Process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        kill.ExitCode.Should().Be(0);
    }

    private Task<HostProcess> StartHostAsync(int index)
    {
        var folder = _folders[index];
        var cwd = Directory.CreateDirectory(Path.Combine(folder.Path, "cwd")).FullName;
        return HostProcess.StartAsync(cwd, new Dictionary<string, string>
        {
            ["OH_PERSISTENCE_DIR"] = Path.Combine(folder.Path, "persistence"),
            ["OH_DATABASE_URL"] = _database!.Url,
            ["OH_SECRET_KEY"] = SecretKey,
            ["AgentServer__ConversationLeaseDuration"] = "00:00:01",
        });
    }

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private async Task<int> CountAsync(string id, string kind) =>
        int.Parse((await _database!.QueryAsync($"SELECT count(*) FROM conversation_events WHERE conversation_id = '{id}' AND kind = '{kind}'")).Single()!, CultureInfo.InvariantCulture);

    private async Task<string?> StatusAsync(string id) =>
        (await _database!.QueryAsync($"SELECT state::json->>'execution_status' FROM conversations WHERE id = '{id}'")).SingleOrDefault();

    private async Task<List<string>> EventIdsAsync(string id) =>
        [.. (await _database!.QueryAsync($"SELECT event_id FROM conversation_events WHERE conversation_id = '{id}' ORDER BY seq")).Select(v => v!)];

    private async Task<List<Row>> RowsAsync(string id)
    {
        var rows = await _database!.QueryAsync(
            $"SELECT json_build_object('seq', seq, 'id', event_id, 'kind', kind, 'token', lease_token, 'doc', document)::text FROM conversation_events WHERE conversation_id = '{id}' ORDER BY seq");
        return [.. rows.Select(r =>
        {
            using var row = JsonDocument.Parse(r!);
            var root = row.RootElement;
            var document = root.GetProperty("doc").GetString()!;
            using var parsed = JsonDocument.Parse(document);
            var call = parsed.RootElement.TryGetProperty("tool_call_id", out var c) ? c.GetString() : null;
            var token = root.GetProperty("token").ValueKind == JsonValueKind.Null ? (long?)null : root.GetProperty("token").GetInt64();
            return new Row(root.GetProperty("seq").GetInt32(), root.GetProperty("id").GetString()!, root.GetProperty("kind").GetString()!, token, call, document);
        })];
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new AssertionException($"Timed out waiting for {what}. Host output:\n" + string.Join("\n---\n", _hosts.OfType<HostProcess>().Select(h => h.Output[^Math.Min(h.Output.Length, 4000)..])));
    }

    private sealed record Row(int Seq, string Id, string Kind, long? Token, string? ToolCallId, string Document);
}
