using System.Diagnostics;
using System.Globalization;

namespace OpenHands.Benchmarks;

/// <summary>
/// A cross-check of <see cref="AgentServerLoadBenchmarks"/> that does not depend on the machine staying equally busy
/// for the minutes BenchmarkDotNet spends on one method and then the other: it alternates one batch against the bare
/// endpoint and one against the server, so both see the same background load, and compares medians.
/// </summary>
/// <remarks>
/// Run with <c>--interleaved-server</c> (add <c>--starts-only</c> for the conversation starts alone). Same servers,
/// clients and batches as the benchmark.
/// </remarks>
internal static class InterleavedServerLoadCheck
{
    private const int Warmup = 10;

    public static async Task RunAsync(bool startsOnly)
    {
        var bench = new AgentServerLoadBenchmarks();
        bench.Setup();
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Interleaved server check: batches of {AgentServerLoadBenchmarks.Requests} requests from {AgentServerLoadBenchmarks.Clients} clients, bare and server alternating (times per request in us)."));
            Console.WriteLine("| Category | Pairs | Server median | Bare median | Ratio of medians | Server req/s | Bare req/s | Ratio of means |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            if (!startsOnly)
            {
                await RunPairsAsync("server-get-profiles", 100, bench.GetProfiles, bench.BareGet, cleanup: null);
            }

            await RunPairsAsync("server-start", 30, bench.StartConversation, bench.BarePost, bench.DeleteStartedConversations);
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static async Task RunPairsAsync(string category, int pairs, Func<Task<long>> server, Func<Task<long>> bare, Action? cleanup)
    {
        var serverTimes = new List<double>(pairs);
        var bareTimes = new List<double>(pairs);
        for (var i = 0; i < Warmup + pairs; i++)
        {
            // Alternate which goes first, so neither always follows the other.
            double s, b;
            if (i % 2 == 0)
            {
                s = await TimeAsync(server);
                cleanup?.Invoke();
                b = await TimeAsync(bare);
            }
            else
            {
                b = await TimeAsync(bare);
                s = await TimeAsync(server);
                cleanup?.Invoke();
            }

            if (i >= Warmup)
            {
                serverTimes.Add(s);
                bareTimes.Add(b);
            }
        }

        var (sm, bm) = (Median(serverTimes), Median(bareTimes));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {category} | {pairs} | {sm:F1} | {bm:F1} | {sm / bm:F2} | {1e6 / sm:N0} | {1e6 / bm:N0} | {serverTimes.Average() / bareTimes.Average():F2} |"));
    }

    /// <summary>One batch; the time per request in microseconds.</summary>
    private static async Task<double> TimeAsync(Func<Task<long>> batch)
    {
        var start = Stopwatch.GetTimestamp();
        await batch();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / AgentServerLoadBenchmarks.Requests;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
