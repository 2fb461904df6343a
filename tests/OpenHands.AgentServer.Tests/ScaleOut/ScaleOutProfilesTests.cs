using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.ScaleOut;

/// <summary>
/// Three real agent servers (Kestrel on 127.0.0.1, each with its own persistence folder) on one PostgreSQL database:
/// profile operations sent to any of them act on the same profiles, concurrently, with no lost update.
/// </summary>
/// <remarks>
/// A lost update is an acknowledged write (a 2xx save, rename or delete) that the next read does not show although no
/// later acknowledged write replaced it. Names owned by one worker are written one operation at a time, so after each
/// acknowledged write the worker reads the profile back from another instance and compares it with its own model.
/// Shared names are written by several workers at once: 404 and 409 are the expected answers of a lost race (counted),
/// and afterwards every instance must show the same profiles with the same content.
/// </remarks>
[Category("PostgreSql")]
[NonParallelizable]
public sealed class ScaleOutProfilesTests
{
    private const string SecretKey = "test-cipher-key-scale-out";
    private const int OwnerWorkers = 12;
    private const int OpsPerOwner = 70;
    private const int SharedWorkers = 4;
    private const int OpsPerShared = 40;
    private static readonly HttpStatusCode[] RaceAnswers = [HttpStatusCode.NotFound, HttpStatusCode.Conflict];

    private readonly List<TempDirectory> _folders = [];
    private readonly List<TestServer> _servers = [];
    private TestDatabase? _database;

    [SetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            var folder = TempDirectory.Create();
            _folders.Add(folder);
            _servers.Add(await TestServer.StartAsync(folder.Path, o => { o.DatabaseUrl = _database.Url; o.SecretKey = SecretKey; }));
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
                await _database.DisposeAsync();   // dropped even when a server failed to stop
                _database = null;
            }
        }
    }

    [Test]
    public async Task ThousandMixedOperationsAcrossThreeInstances_LoseNoUpdateAndAgreeAfterwards()
    {
        var stats = new Stats();
        await Task.WhenAll(
            Enumerable.Range(0, OwnerWorkers).Select(w => OwnerWorkerAsync(w, stats))
                .Concat(Enumerable.Range(0, SharedWorkers).Select(w => SharedWorkerAsync(w, stats))));

        stats.Operations.Should().Be((OwnerWorkers * OpsPerOwner) + (SharedWorkers * OpsPerShared));
        stats.Operations.Should().BeGreaterThanOrEqualTo(1000);
        stats.Unexpected.Should().BeEmpty();
        stats.LostUpdates.Should().BeEmpty();
        TestContext.Out.WriteLine($"{stats.Operations} operations, {stats.Acknowledged} acknowledged, {stats.RaceAnswers} expected 404/409 answers");

        // Every instance lists the same profiles with the same content.
        var views = new List<string>();
        foreach (var server in _servers)
        {
            var list = await (await server.GetAsync("/api/profiles")).JsonAsync();
            var names = list["profiles"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            var contents = new List<string>();
            foreach (var name in names)
            {
                contents.Add(name + "=" + (await (await server.GetAsync($"/api/profiles/{name}", ("X-Expose-Secrets", "plaintext"))).JsonAsync())["config"]!.ToJsonString());
            }

            views.Add(string.Join("\n", contents));
        }

        views.Distinct().Should().ContainSingle("every instance shows the same profiles");
        views[0].Should().NotBeEmpty();
    }

    [Test]
    public async Task CanaryKey_IsOnlyInTheProfileAndConnectionTables_AndThereOnlyEncrypted()
    {
        const string Canary = "sk-test-canary-scale-out";
        (await _servers[0].PostAsync("/api/profiles/canary", Body("openai/gpt-4o", Canary))).StatusCode.Should().Be(HttpStatusCode.Created);
        var connection = await _servers[1].PostAsync(
            "/api/llm/provider-connections", $$"""{"display_name":"Canary","provider":"openai","api_key":"{{Canary}}"}""");
        connection.IsSuccessStatusCode.Should().BeTrue(await connection.Content.ReadAsStringAsync());
        (await _servers[2].PostAsync("/api/profiles/canary/activate")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The deprecated LLM in a settings PATCH (with the key) and an agent profile on it: the key goes into a profile only.
        var patch = await _servers[0].PatchAsync("/api/settings", """{"agent_settings_diff":{"llm":{"model":"openai/gpt-4o-mini","api_key":""" + "\"" + Canary + "\"}}}");
        patch.StatusCode.Should().Be(HttpStatusCode.OK, await patch.Content.ReadAsStringAsync());
        (await _servers[1].PostAsync("/api/agent-profiles/canary-agent", """{"llm_profile_ref":"canary"}""")).IsSuccessStatusCode.Should().BeTrue();
        (await (await _servers[2].GetAsync("/api/agent-profiles")).JsonAsync())["profiles"]!.AsArray().Should().NotBeEmpty();
        (await (await _servers[2].GetAsync("/api/profiles/canary", ("X-Expose-Secrets", "plaintext"))).JsonAsync())["config"]!["api_key"]!
            .GetValue<string>().Should().Be(Canary, "another instance reads and decrypts it");

        // A conversation on the canary profile (its state and a message event in the conversation tables) and its metadata.
        var started = await _servers[1].PostAsync("/api/conversations", """{"llm_profile":"canary"}""");
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var conversationId = (await started.JsonAsync())["id"]!.GetValue<string>();
        var message = await _servers[1].PostAsync(
            $"/api/conversations/{conversationId}/events", """{"role":"user","content":[{"type":"text","text":"hello"}],"run":false}""");
        message.IsSuccessStatusCode.Should().BeTrue(await message.Content.ReadAsStringAsync());

        // Every text-like column of every table, as text: the canary must not appear anywhere in plaintext.
        var columns = await _database!.QueryAsync(
            """
            SELECT format('%I.%I', table_name, column_name) FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'character')
            ORDER BY 1
            """);
        columns.Should().Contain(["llm_profiles.document", "provider_connections.api_key", "settings.document", "agent_profiles.document",
            "conversations.state", "conversations.metadata", "conversation_events.document", "conversation_events.event_id", "conversation_events.kind"]);
        (await _database.QueryAsync($"SELECT count(*) FROM conversations WHERE id = '{conversationId}' AND state LIKE '%canary%' AND metadata IS NOT NULL"))
            .Single().Should().Be("1", "the conversation row holds the profile reference and was scanned");
        (await _database.QueryAsync($"SELECT count(*) FROM conversation_events WHERE conversation_id = '{conversationId}'"))
            .Single().Should().NotBe("0", "the conversation's events were scanned");
        (await _database.QueryAsync("SELECT count(*) FROM settings")).Single().Should().Be("1", "the settings row was scanned");
        (await _database.QueryAsync("SELECT count(*) FROM agent_profiles WHERE name = 'canary-agent'")).Single().Should().Be("1");
        foreach (var column in columns)
        {
            var parts = column!.Split('.');
            var hits = await _database.QueryAsync($"SELECT count(*) FROM {parts[0]} WHERE {parts[1]}::text LIKE '%{Canary}%'");
            hits.Single().Should().Be("0", $"{column} must not hold the key in plaintext");
        }

        var document = (await _database.QueryAsync("SELECT document FROM llm_profiles WHERE name = 'canary'")).Single()!;
        var token = JsonNode.Parse(document)!["api_key"]!.GetValue<string>();
        token.Should().StartWith(OpenHands.Sdk.Security.Cipher.TokenPrefix);
        new OpenHands.Sdk.Security.Cipher(SecretKey).Decrypt(token).Should().Be(Canary);
        var stored = (await _database.QueryAsync("SELECT api_key FROM provider_connections")).Single()!;
        new OpenHands.Sdk.Security.Cipher(SecretKey).Decrypt(stored).Should().Be(Canary);
        (await _database.QueryAsync("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).Single()
            .Should().Be("8", "the scan covered every table: llm_profiles, provider_connections, settings, agent_profiles, conversations, conversation_events, conversation_leases, schema_version");
        foreach (var folder in _folders)
        {
            folder.AllFiles().Where(f => f.Text.Contains(Canary, StringComparison.Ordinal)).Select(f => f.Path)
                .Should().BeEmpty("no instance keeps the key in a file");
        }
    }

    /// <summary>Sequential operations on three names only this worker writes; each acknowledged write is read back from another instance.</summary>
    private async Task OwnerWorkerAsync(int worker, Stats stats)
    {
        var random = new Random(worker + 1);
        var names = Enumerable.Range(0, 3).Select(i => $"w{worker}-{(char)('a' + i)}").ToArray();
        var model = new Dictionary<string, (string Model, string Key)>();
        for (var op = 0; op < OpsPerOwner; op++)
        {
            var server = random.Next(3);
            var name = names[random.Next(names.Length)];
            var exists = model.TryGetValue(name, out var current);
            switch (random.Next(6))
            {
                case 0 or 1:
                {
                    // A save; every other one changes the key too.
                    var next = ($"openai/m-{worker}-{op}", op % 2 == 0 || !exists ? $"sk-test-worker-{(char)('a' + worker)}{(char)('a' + (op % 26))}" : current.Key);
                    await ExpectAsync(stats, _servers[server].PostAsync($"/api/profiles/{name}", Body(next.Item1, next.Item2)), HttpStatusCode.Created);
                    model[name] = next;
                    await CheckAsync(stats, (server + 1 + random.Next(2)) % 3, name, model);
                    break;
                }

                case 2:
                {
                    var target = names.Where(n => n != name).ElementAt(random.Next(2));
                    var expected = !exists ? HttpStatusCode.NotFound : model.ContainsKey(target) ? HttpStatusCode.Conflict : HttpStatusCode.OK;
                    await ExpectAsync(stats, _servers[server].PostAsync($"/api/profiles/{name}/rename", $$"""{"new_name":"{{target}}"}"""), expected);
                    if (expected == HttpStatusCode.OK)
                    {
                        model[target] = current;
                        model.Remove(name);
                    }

                    await CheckAsync(stats, (server + 1) % 3, name, model);
                    await CheckAsync(stats, (server + 2) % 3, target, model);
                    break;
                }

                case 3:
                    await ExpectAsync(stats, _servers[server].DeleteAsync($"/api/profiles/{name}"), HttpStatusCode.OK);
                    model.Remove(name);
                    await CheckAsync(stats, (server + 1) % 3, name, model);
                    break;
                case 4:
                    await ExpectAsync(stats, _servers[server].PostAsync($"/api/profiles/{name}/activate"), exists ? HttpStatusCode.OK : HttpStatusCode.NotFound);
                    break;
                default:
                {
                    var response = await _servers[server].GetAsync("/api/profiles");
                    Count(stats, response, HttpStatusCode.OK);
                    var listed = (await response.JsonAsync())["profiles"]!.AsArray().Select(p => p!["name"]!.GetValue<string>())
                        .Where(n => n.StartsWith($"w{worker}-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
                    if (!listed.SequenceEqual(model.Keys.Order(StringComparer.Ordinal)))
                    {
                        stats.LostUpdates.Add($"w{worker} op {op}: instance {server} lists [{string.Join(", ", listed)}], expected [{string.Join(", ", model.Keys.Order(StringComparer.Ordinal))}]");
                    }

                    break;
                }
            }
        }
    }

    /// <summary>Racing operations on three names every shared worker writes: 404 and 409 are the expected losers' answers.</summary>
    private async Task SharedWorkerAsync(int worker, Stats stats)
    {
        var random = new Random(1000 + worker);
        for (var op = 0; op < OpsPerShared; op++)
        {
            var server = _servers[random.Next(3)];
            var name = $"shared-{random.Next(3)}";
            var response = random.Next(4) switch
            {
                0 or 1 => await server.PostAsync($"/api/profiles/{name}", Body($"openai/s-{worker}-{op}", $"sk-test-shared-{(char)('a' + worker)}")),
                2 => await server.PostAsync($"/api/profiles/{name}/rename", $$"""{"new_name":"shared-{{random.Next(3)}}"}"""),
                _ => await server.DeleteAsync($"/api/profiles/{name}"),
            };
            Count(stats, response, null);
        }
    }

    private async Task CheckAsync(Stats stats, int server, string name, Dictionary<string, (string Model, string Key)> model)
    {
        var response = await _servers[server].GetAsync($"/api/profiles/{name}", ("X-Expose-Secrets", "plaintext"));
        if (!model.TryGetValue(name, out var expected))
        {
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                stats.LostUpdates.Add($"{name}: instance {server} answers {(int)response.StatusCode} after it was deleted or renamed away");
            }

            return;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            stats.LostUpdates.Add($"{name}: instance {server} answers {(int)response.StatusCode} for an acknowledged save");
            return;
        }

        var config = (await response.JsonAsync())["config"]!;
        var seen = (config["model"]!.GetValue<string>(), config["api_key"]?.GetValue<string>());
        if (seen != expected)
        {
            stats.LostUpdates.Add($"{name}: instance {server} shows {seen.Item1} (key {(seen.Item2 == expected.Key ? "same" : "other")}), expected {expected.Model}");
        }
    }

    private static async Task ExpectAsync(Stats stats, Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        var response = await request;
        Count(stats, response, expected);
    }

    /// <summary>Counts one answer: <paramref name="expected"/> (or, when none, any 2xx, 404 or 409) is fine; anything else is unexpected.</summary>
    private static void Count(Stats stats, HttpResponseMessage response, HttpStatusCode? expected)
    {
        Interlocked.Increment(ref stats.Operations);
        var status = response.StatusCode;
        if (expected is { } e ? status == e : response.IsSuccessStatusCode || RaceAnswers.Contains(status))
        {
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref stats.Acknowledged);
            }
            else
            {
                Interlocked.Increment(ref stats.RaceAnswers);
            }

            return;
        }

        stats.Unexpected.Add($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.AbsolutePath}: {(int)status}, expected {(expected is null ? "2xx/404/409" : ((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
    }

    private static string Body(string model, string key) => $$"""{"llm":{"model":"{{model}}","api_key":"{{key}}"},"include_secrets":true}""";

    private sealed class Stats
    {
        public int Operations;
        public int Acknowledged;
        public int RaceAnswers;

        public ConcurrentBag<string> Unexpected { get; } = [];

        public ConcurrentBag<string> LostUpdates { get; } = [];
    }
}
