using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Conversations.Events;
using EventLog = OpenHands.Sdk.Conversations.Persistence.EventLog;

namespace OpenHands.Benchmarks;

/// <summary>
/// Issue 17's costs that must not grow with history, measured on the real agent server: an events page
/// (<c>GET .../events/search?limit=100</c>, first, middle and last page) at 10,000 and 100,000 events, against a bare
/// Kestrel endpoint answering the same bytes, interleaved; and the first request after a restart with 100 conversations
/// of 1,000 events each, with the process's RSS after it against an empty server (each server in a fresh process); and,
/// after the same restart, a search and a count of those conversations, which answer from metadata and load none.
/// </summary>
/// <remarks>Run with <c>--history-cost</c> (add <c>--quick</c> for 10,000 events only and fewer rounds).</remarks>
internal static class HistoryCostCheck
{
    private const string ChildFlag = "--history-cost-child";

    // What a child requests instead of a conversation's first events page.
    private const string Search = "search";
    private const string Count = "count";

    /// <summary>
    /// Writes the restart's 100 conversations of 1,000 events into <paramref name="folder"/> (a server's persistence
    /// folder) and stops: for timing or tracing a restart by hand (<c>--history-cost-child folder</c> serves it).
    /// </summary>
    public static async Task WritePayloadsAsync(string folder)
    {
        var ids = await CreateConversationsAsync(folder, 100, 1_000);
        Console.WriteLine($"Wrote {ids.Count} conversations of 1,000 events into {folder}; the first is {ids[0]}.");
    }

    public static async Task RunAsync(bool quick)
    {
        var root = BenchProfile.NewFolder("history");
        Console.WriteLine(SelfProcess.CodeDescription());
        try
        {
            Console.WriteLine("| events | page | server median (ms) | bare median (ms) | page bytes |");
            Console.WriteLine("|---:|---|---:|---:|---:|");
            foreach (var events in quick ? new[] { 10_000 } : [10_000, 100_000])
            {
                await PagesAsync(Path.Combine(root, "paging-" + events), events, rounds: quick ? 15 : 40);
            }

            await RestartAsync(Path.Combine(root, "restart"), conversations: 100, events: 1_000, rounds: quick ? 6 : 9);
        }
        finally
        {
            BenchProfile.DeleteFolder(root);
        }
    }

    private static async Task PagesAsync(string folder, int events, int rounds)
    {
        var id = (await CreateConversationsAsync(folder, 1, events))[0];
        await using var server = await StartServerAsync(folder);
        using var http = new HttpClient();
        var baseUrl = Address(server.App);
        var count = await http.GetFromJsonAsync<int>($"{baseUrl}/api/conversations/{id}/events/count");
        foreach (var (label, offset) in new[] { ("first", 0), ("middle", count / 2), ("last", count - 100) })
        {
            var url = $"{baseUrl}/api/conversations/{id}/events/search?limit=100&page_id={offset}";
            var bytes = await http.GetByteArrayAsync(url);
            using (var page = JsonDocument.Parse(bytes))
            {
                if (page.RootElement.GetProperty("items").GetArrayLength() != 100)
                {
                    throw new InvalidOperationException($"The {label} page does not hold 100 events.");
                }
            }

            await using var bare = await BenchServer.StartBareAsync(bytes);
            var bareUrl = Address(bare) + "/bare";
            var (serverTimes, bareTimes) = (new List<double>(), new List<double>());
            for (var i = 0; i < 5 + rounds; i++)
            {
                var s = await BenchServer.TimeGetAsync(http, url);
                var b = await BenchServer.TimeGetAsync(http, bareUrl);
                if (i >= 5)
                {
                    serverTimes.Add(s);
                    bareTimes.Add(b);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {count:N0} | {label} | {Median(serverTimes):F2} | {Median(bareTimes):F2} | {bytes.Length:N0} |"));
        }
    }

    private static async Task RestartAsync(string folder, int conversations, int events, int rounds)
    {
        var ids = await CreateConversationsAsync(folder, conversations, events);
        var empty = Path.Combine(folder, "..", "restart-empty");
        Directory.CreateDirectory(empty);
        var (times, seconds, emptyTimes, rss, emptyRss) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var (searches, counts, listingRss) = (new List<double>(), new List<double>(), new List<double>());
        using var http = await BenchServer.WarmClientAsync();
        for (var round = 0; round < rounds; round++)
        {
            var full = await ChildAsync(http, folder, ids[(2 * round) % ids.Count], ids[((2 * round) + 1) % ids.Count]);
            var none = await ChildAsync(http, empty, Search, Search);
            var listing = await ChildAsync(http, folder, Search, Count);
            if (listing.Loaded != 0)
            {
                throw new InvalidOperationException($"The search and count loaded {listing.Loaded} conversations; they must answer from metadata.");
            }

            times.Add(full.First);
            seconds.Add(full.Second);
            emptyTimes.Add(none.First);
            rss.Add(full.RssMb);
            emptyRss.Add(none.RssMb);
            searches.Add(listing.First);
            counts.Add(listing.Second);
            listingRss.Add(listing.RssMb);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Restart with {conversations} conversations x {events:N0} events ({rounds} fresh processes each, medians): first request (one conversation's first events page) "
            + $"{Median(times):F1} ms against {Median(emptyTimes):F1} ms for the first request of an empty server (GET /api/conversations/search, the same cold start); "
            + $"first use of a second conversation {Median(seconds):F1} ms; RSS after them {Median(rss):F1} MB against {Median(emptyRss):F1} MB for the empty server "
            + $"(growth {Median(rss) - Median(emptyRss):F1} MB)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Search and count of the {conversations} conversations in a fresh process (none loaded, medians): first request "
            + $"(GET /api/conversations/search, all {conversations} in one page) {Median(searches):F1} ms against {Median(emptyTimes):F1} ms "
            + $"for the empty server's; then GET /api/conversations/count {Median(counts):F1} ms; RSS after them {Median(listingRss):F1} MB "
            + $"against {Median(emptyRss):F1} MB (growth {Median(listingRss) - Median(emptyRss):F1} MB)."));
    }

    /// <summary>
    /// A fresh process's server on <paramref name="folder"/> (<see cref="FreshServerProcess"/>): its first and second
    /// request (a conversation's first events page, or <see cref="Search"/> or <see cref="Count"/>) timed from this
    /// process with a warm client, then the child's RSS after a full GC and how many conversations it loaded.
    /// </summary>
    private static async Task<(double First, double Second, double RssMb, int Loaded)> ChildAsync(HttpClient http, string folder, string id, string second)
    {
        await using var child = await FreshServerProcess.StartAsync(ChildFlag, folder);
        string Url(string what) => what switch
        {
            Search => $"{child.Address}/api/conversations/search?limit=100",
            Count => $"{child.Address}/api/conversations/count",
            _ => $"{child.Address}/api/conversations/{what}/events/search?limit=100",
        };
        var first = await BenchServer.TimeGetAsync(http, Url(id));
        var next = await BenchServer.TimeGetAsync(http, Url(second));
        var line = (await child.AskAsync("rss")).Split(' ');
        return (first, next, double.Parse(line[1], CultureInfo.InvariantCulture), int.Parse(line[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The child's side of <see cref="ChildAsync"/>; true when <paramref name="args"/> asked for it.</summary>
    public static async Task<bool> TryRunChildAsync(string[] args)
    {
        var at = Array.IndexOf(args, ChildFlag);
        if (at < 0)
        {
            return false;
        }

        await using var server = await StartServerAsync(args[at + 1]);
        await FreshServerProcess.ServeAsync(server.App, _ =>
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            using var self = Process.GetCurrentProcess();
            var loaded = server.App.Services.GetRequiredService<OpenHands.AgentServer.Internal.ConversationService>().LoadedCount;
            return string.Create(CultureInfo.InvariantCulture, $"RSS {self.WorkingSet64 / 1048576.0:F1} {loaded}");
        });
        return true;
    }

    /// <summary>Starts <paramref name="count"/> conversations through the server, then gives each <paramref name="events"/> events on disk.</summary>
    private static async Task<List<string>> CreateConversationsAsync(string folder, int count, int events)
    {
        var ids = new List<string>();
        await using (var server = await StartServerAsync(folder))
        {
            using var http = new HttpClient { BaseAddress = new Uri(Address(server.App)) };
            (await http.PostAsync("/api/profiles/bench", JsonContent("""{"llm":{"model":"openai/gpt-4o","api_key":"sk-test-bench"}}"""))).EnsureSuccessStatusCode();
            for (var i = 0; i < count; i++)
            {
                var response = await http.PostAsync("/api/conversations", JsonContent("""{"llm_profile":"bench"}"""));
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
                ids.Add(body.RootElement.GetProperty("id").GetString()!);
            }
        }

        var random = new Random(17);
        foreach (var id in ids)
        {
            var log = EventLog.Open(Path.Combine(folder, "conversations", Guid.Parse(id).ToString("N"), EventLog.FolderName));
            var time = DateTimeOffset.UnixEpoch.AddDays(20_000);
            for (var i = log.Count; i < events; i++)
            {
                var user = i % 2 == 0;
                log.Append(new MessageEvent
                {
                    Id = Guid.NewGuid().ToString(),
                    Timestamp = time.AddSeconds(i),
                    Source = user ? EventSource.User : EventSource.Agent,
                    Role = user ? "user" : "assistant",
                    Text = new string('x', random.Next(200, 900)),
                });
            }
        }

        return ids;
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Address(WebApplication app) => BenchServer.Address(app);

    private static async Task<Host> StartServerAsync(string root) => new(await BenchServer.StartAsync(root));

    private sealed class Host(WebApplication app) : IAsyncDisposable
    {
        public WebApplication App => app;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
