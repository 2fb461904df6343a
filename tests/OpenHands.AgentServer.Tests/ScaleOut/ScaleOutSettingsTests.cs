using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.ScaleOut;

/// <summary>
/// Three real agent servers on one PostgreSQL database: settings PATCHes and agent-profile writes sent to any of them at
/// once act on the same settings and agent profiles, with no lost update.
/// </summary>
/// <remarks>
/// Each settings worker PATCHes its own <c>misc_settings</c> keys (a counter per key) on random instances while the
/// others do the same: every acknowledged PATCH must show on the next GET from another instance, and at the end every
/// instance must show every worker's last value. Each agent-profile worker saves, renames and deletes names only it
/// writes and reads each acknowledged write back from another instance.
/// </remarks>
[Category("PostgreSql")]
[NonParallelizable]
public sealed class ScaleOutSettingsTests
{
    private const int SettingsWorkers = 6;
    private const int PatchesPerWorker = 25;
    private const int AgentWorkers = 4;
    private const int AgentOpsPerWorker = 20;

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
            _servers.Add(await TestServer.StartAsync(folder.Path, o => o.DatabaseUrl = _database.Url));
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
                await _database.DisposeAsync();
                _database = null;
            }
        }
    }

    [Test]
    public async Task SettingsPatchesAndAgentProfileWritesAcrossThreeInstances_LoseNoUpdate()
    {
        (await _servers[0].PostAsync("/api/profiles/fast", """{"llm":{"model":"openai/gpt-4o-mini"}}""")).StatusCode.Should().Be(HttpStatusCode.Created);
        var problems = new ConcurrentQueue<string>();

        await Task.WhenAll(
            Enumerable.Range(0, SettingsWorkers).Select(w => Task.Run(() => SettingsWorkerAsync(w, problems)))
                .Concat(Enumerable.Range(0, AgentWorkers).Select(w => Task.Run(() => AgentWorkerAsync(w, problems)))));

        problems.Should().BeEmpty();
        var views = new List<string>();
        foreach (var server in _servers)
        {
            var misc = (await (await server.GetAsync("/api/settings")).JsonAsync())["misc_settings"]!.AsObject();
            for (var w = 0; w < SettingsWorkers; w++)
            {
                misc[$"w{w}"]!.GetValue<int>().Should().Be(PatchesPerWorker - 1, $"worker {w}'s last PATCH is what every instance reads");
            }

            var agents = (await (await server.GetAsync("/api/agent-profiles")).JsonAsync())["profiles"]!.AsArray()
                .Select(p => $"{p!["name"]}:{p["id"]}:{p["revision"]}:{p["llm_profile_ref"]}").Order(StringComparer.Ordinal);
            views.Add(misc.ToJsonString() + "\n" + string.Join("\n", agents));
        }

        views.Distinct().Should().ContainSingle("every instance shows the same settings and agent profiles");
        (await _database!.QueryAsync("SELECT count(*) FROM settings")).Single().Should().Be("1");
        foreach (var folder in _folders)
        {
            File.Exists(folder.Combine("settings.json")).Should().BeFalse("the settings are in the database");
            (Directory.Exists(folder.Combine("agent-profiles")) ? Directory.GetFiles(folder.Combine("agent-profiles"), "*.json") : [])
                .Should().BeEmpty("the agent profiles are in the database");
        }
    }

    private async Task SettingsWorkerAsync(int worker, ConcurrentQueue<string> problems)
    {
        var random = new Random(worker + 100);
        for (var i = 0; i < PatchesPerWorker; i++)
        {
            var response = await _servers[random.Next(3)].PatchAsync("/api/settings", $$$"""{"misc_settings_diff":{"w{{{worker}}}":{{{i}}}}}""");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problems.Enqueue($"PATCH w{worker}={i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                continue;
            }

            var read = (await (await _servers[random.Next(3)].GetAsync("/api/settings")).JsonAsync())["misc_settings"]!["w" + worker];
            if (read?.GetValue<int>() != i)
            {
                problems.Enqueue($"lost update: PATCH w{worker}={i} acknowledged, another instance reads {read?.ToJsonString() ?? "nothing"}");
            }
        }
    }

    private async Task AgentWorkerAsync(int worker, ConcurrentQueue<string> problems)
    {
        var random = new Random(worker + 200);
        string? current = null;   // the name this worker's profile has now, or none
        var revision = -1;
        for (var op = 0; op < AgentOpsPerWorker; op++)
        {
            var server = _servers[random.Next(3)];
            var reader = _servers[random.Next(3)];
            var choice = current is null ? 0 : random.Next(3);
            if (choice == 0)
            {
                var name = current ?? $"a{worker}-x";
                var response = await server.PostAsync($"/api/agent-profiles/{name}", """{"llm_profile_ref":"fast"}""");
                if (!response.IsSuccessStatusCode)
                {
                    problems.Enqueue($"save {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                (current, revision) = (name, revision + 1);
            }
            else if (choice == 1)
            {
                var name = current!.EndsWith("-x", StringComparison.Ordinal) ? $"a{worker}-y" : $"a{worker}-x";
                var response = await server.PostAsync($"/api/agent-profiles/{current}/rename", $$"""{"new_name":"{{name}}"}""");
                if (!response.IsSuccessStatusCode)
                {
                    problems.Enqueue($"rename {current}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                current = name;
            }
            else
            {
                var response = await server.DeleteAsync($"/api/agent-profiles/{current}");
                if (!response.IsSuccessStatusCode)
                {
                    problems.Enqueue($"delete {current}: {(int)response.StatusCode}");
                    continue;
                }

                (current, revision) = (null, -1);
            }

            foreach (var name in new[] { $"a{worker}-x", $"a{worker}-y" })
            {
                var got = await reader.GetAsync($"/api/agent-profiles/{name}");
                if (name == current)
                {
                    var stored = got.StatusCode == HttpStatusCode.OK ? (await got.JsonAsync())["profile"]!["revision"]!.GetValue<int>() : (int?)null;
                    if (stored != revision)
                    {
                        problems.Enqueue($"lost update: {name} should be at revision {revision}, another instance reads {stored?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no profile"}");
                    }
                }
                else if (got.StatusCode != HttpStatusCode.NotFound)
                {
                    problems.Enqueue($"{name} should not exist, another instance answers {(int)got.StatusCode}");
                }
            }
        }
    }
}
