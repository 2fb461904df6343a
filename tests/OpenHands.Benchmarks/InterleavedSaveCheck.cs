using System.Diagnostics;
using System.Globalization;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Benchmarks;

/// <summary>
/// A cross-check of the save ratios that does not depend on the disk staying equally busy for minutes:
/// it alternates one save and one floor write, so both see the same background traffic, and compares medians.
/// </summary>
/// <remarks>
/// BenchmarkDotNet measures one method after the other. On a disk that other processes also write to, the fsync
/// cost drifts between the two runs, and the save rows' Ratio swings with it. Run with <c>--interleaved</c>.
/// </remarks>
internal static class InterleavedSaveCheck
{
    private const int Warmup = 200;
    private const int Pairs = 3000;

    public static async Task RunAsync()
    {
        Console.WriteLine($"Interleaved save check: {Pairs} save/floor pairs per mode after {Warmup} warm-up pairs (times in us).");
        Console.WriteLine("| Mode | Save median | Floor median | Ratio of medians | Save mean | Floor mean | Ratio of means |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var flush in new[] { true, false })
        {
            await RunModeAsync(flush);
        }
    }

    private static async Task RunModeAsync(bool flush)
    {
        var folder = BenchProfile.NewFolder(flush ? "check-flush" : "check-noflush");
        try
        {
            var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = folder, FlushToDisk = flush }, new Cipher(BenchProfile.SecretKey));
            var name = ProfileName.Create("bench");
            var llm = BenchProfile.Create();
            await store.SaveAsync(name, llm);
            var bytes = new byte[new FileInfo(store.GetPath(name)).Length];
            Random.Shared.NextBytes(bytes);

            var save = new List<double>(Pairs);
            var floor = new List<double>(Pairs);
            for (var i = 0; i < Warmup + Pairs; i++)
            {
                // Alternate which goes first, so neither always follows the other's writes.
                double s, f;
                if (i % 2 == 0)
                {
                    s = await TimeAsync(() => store.SaveAsync(name, llm));
                    f = Time(() => BenchProfile.WriteAndRename(folder, bytes, flush));
                }
                else
                {
                    f = Time(() => BenchProfile.WriteAndRename(folder, bytes, flush));
                    s = await TimeAsync(() => store.SaveAsync(name, llm));
                }

                if (i >= Warmup)
                {
                    save.Add(s);
                    floor.Add(f);
                }
            }

            var (sm, fm) = (Median(save), Median(floor));
            var (sa, fa) = (save.Average(), floor.Average());
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {(flush ? "FlushToDisk = true" : "FlushToDisk = false")} | {sm:F1} | {fm:F1} | {sm / fm:F2} | {sa:F1} | {fa:F1} | {sa / fa:F2} |"));
        }
        finally
        {
            BenchProfile.DeleteFolder(folder);
        }
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
