using System.Diagnostics;
using System.Globalization;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Security;
using EventLog = OpenHands.Sdk.Conversations.Persistence.EventLog;

namespace OpenHands.Benchmarks.SideBySide;

/// <summary>
/// Issue 17's side-by-side figures against the Python SDK 1.43.1 on the same files, in one run, interleaved (each round
/// runs every side once, the order alternating) so that the shared machine's noise hits all sides: replay of 1,000
/// events warm and cold, persist one event at 1,000 and 50,000 events, and the first listing of 1,000 profiles in a
/// fresh process. Run with <c>--side-by-side</c> (<c>--quick</c> for fewer rounds).
/// </summary>
internal static class SideBySideCheck
{
    private const string ChildFlag = "--side-by-side-child";

    /// <summary>Writes the replay conversation and the 1,000 profiles into <paramref name="folder"/> and stops (for profiling one side).</summary>
    public static async Task WritePayloadsAsync(string folder)
    {
        SideBySidePayloads.WriteConversation(Path.Combine(folder, "replay"), 1_000, small: false);
        await SideBySidePayloads.WriteProfilesAsync(Path.Combine(folder, "server", "profiles"), 1_000);
        Console.WriteLine($"Wrote {folder}/replay (a conversation of 1,000 events) and {folder}/server/profiles (1,000 profiles).");
    }

    public static async Task RunAsync(bool quick)
    {
        var root = BenchProfile.NewFolder("side-by-side");
        var python = PythonSide.TryStart(out var skipped);
        Console.WriteLine(python is null ? $"Python side skipped: {skipped}." : $"Python side: {python.Description}.");
        Console.WriteLine(SelfProcess.CodeDescription());
        var table = new List<Row>();
        try
        {
            var replay = Path.Combine(root, "replay");
            SideBySidePayloads.WriteConversation(replay, 1_000, small: false);
            table.Add(WarmReplay(python, replay, rounds: quick ? 10 : 30));
            table.AddRange(await ColdReplayAsync(python, replay, processes: quick ? 4 : 10));
            foreach (var history in new[] { 1_000, 50_000 })
            {
                table.Add(Persist(python, Path.Combine(root, "persist-" + history), history,
                    rounds: history > 10_000 ? (quick ? 4 : 12) : (quick ? 30 : 100), pairs: history > 10_000 ? 10 : 3));
            }

            var server = Path.Combine(root, "server");
            await SideBySidePayloads.WriteProfilesAsync(Path.Combine(server, "profiles"), 1_000);
            table.AddRange(await ColdProfilesAsync(python, server, processes: quick ? 4 : 10));
        }
        finally
        {
            python?.Dispose();
            BenchProfile.DeleteFolder(root);
        }

        Console.WriteLine();
        Console.WriteLine("| figure | .NET (median) | floor (median) | Python (median) | .NET/Python | .NET/floor |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in table)
        {
            Console.WriteLine(row.ToString());
        }
    }

    private static Row WarmReplay(PythonSide? python, string conversation, int rounds)
    {
        var events = Path.Combine(conversation, EventLog.FolderName);
        var (net, floor, py) = (new List<double>(), new List<double>(), new List<double>());
        _ = EventLog.Open(events);
        _ = ReplayFloor(events);
        python?.Time(new { op = "replay", dir = conversation });
        for (var r = 0; r < rounds; r++)
        {
            var steps = new List<Action>
            {
                () => net.Add(Time(() => EventLog.Open(events).Count)),
                () => floor.Add(Time(() => ReplayFloor(events))),
            };
            if (python is not null)
            {
                steps.Add(() => py.Add(python.Time(new { op = "replay", dir = conversation })));
            }

            Interleave(steps, r);
        }

        return new Row("replay 1,000 events, warm (ms)", net, floor, py);
    }

    private static async Task<Row[]> ColdReplayAsync(PythonSide? python, string conversation, int processes)
    {
        var events = Path.Combine(conversation, EventLog.FolderName);
        var (net, floor, py) = (new Cold(), new Cold(), new Cold());
        for (var r = 0; r < processes; r++)
        {
            var steps = new List<Func<Task>>
            {
                async () => net.Add(await ChildAsync("replay", events)),
                async () => floor.Add(await ChildAsync("replay-floor", events)),
            };
            if (python is not null)
            {
                steps.Add(async () => py.Add(await PythonSide.ColdAsync("cold-replay", conversation)));
            }

            await InterleaveAsync(steps, r);
        }

        return Cold.Rows("replay 1,000 events, first in a fresh process", net, floor, py);
    }

    private static Row Persist(PythonSide? python, string folder, int history, int rounds, int pairs)
    {
        var netConversation = Path.Combine(folder, "dotnet");
        var pyConversation = Path.Combine(folder, "python");
        SideBySidePayloads.WriteConversation(netConversation, history, small: true);
        SideBySidePayloads.CopyConversation(netConversation, pyConversation);

        // The event appended on every side: a 1.5 KB terminal observation, a fresh id each time.
        var text = new string('y', 1_500);
        var templatePath = Path.Combine(folder, "append-event.json");
        File.WriteAllBytes(templatePath, EventJsonCodec.ToBytes(SideBySidePayloads.Observation(history, text)));
        var events = Path.Combine(netConversation, EventLog.FolderName);
        var log = EventLog.Open(events);
        python?.Send(new { op = "open-append", dir = pyConversation, @event = templatePath });

        var (net, floor, py) = (new List<double>(), new List<double>(), new List<double>());
        var next = 0;
        void AppendOne(List<double>? into)
        {
            var e = SideBySidePayloads.Observation(history + next, text);
            var ms = Time(() => log.Append(e));
            into?.Add(ms);
        }

        void FloorOne(List<double>? into)
        {
            var bytes = EventJsonCodec.ToBytes(SideBySidePayloads.Observation(history + next, text));
            var ms = Time(() => WriteAndRename(events, $"floor-{next:D6}", bytes));
            into?.Add(ms);
            next++;
        }

        for (var w = 0; w < 5; w++)
        {
            AppendOne(null);
            FloorOne(null);
        }

        python?.Time(new { op = "append", dir = pyConversation });
        for (var r = 0; r < rounds; r++)
        {
            var steps = new List<Action>
            {
                () =>
                {
                    for (var p = 0; p < pairs; p++)
                    {
                        if ((p + r) % 2 == 0)
                        {
                            AppendOne(net);
                            FloorOne(floor);
                        }
                        else
                        {
                            FloorOne(floor);
                            AppendOne(net);
                        }
                    }
                },
            };
            if (python is not null)
            {
                steps.Add(() => py.Add(python.Time(new { op = "append", dir = pyConversation })));
            }

            Interleave(steps, r);
        }

        return new Row($"persist one event at {history:N0} events (ms)", net, floor, py);
    }

    private static async Task<Row[]> ColdProfilesAsync(PythonSide? python, string server, int processes)
    {
        var profiles = Path.Combine(server, "profiles");
        var (store, http, httpUncached, py) = (new Cold(), new Cold(), new Cold(), new Cold());
        using var client = await BenchServer.WarmClientAsync();
        for (var r = 0; r < processes; r++)
        {
            var steps = new List<Func<Task>>
            {
                async () => store.Add(await ChildAsync("profiles-store", profiles)),
                async () => http.Add(await ServerChildAsync(client, server)),
                async () =>
                {
                    // The listing's summary cache file removed (as after every profile changed): each file is read.
                    File.Delete(SummaryCacheFile.PathIn(profiles));
                    httpUncached.Add(await ServerChildAsync(client, server));
                },
            };
            if (python is not null)
            {
                steps.Add(async () => py.Add(await PythonSide.ColdAsync("cold-profiles", profiles)));
            }

            await InterleaveAsync(steps, r);
        }

        return
        [
            .. Cold.Rows("1,000 profiles, first `GET /api/profiles` of a fresh server", http, new Cold(), py),
            .. Cold.Rows("1,000 profiles, first `GET /api/profiles` of a fresh server without the summary cache file", httpUncached, new Cold(), py),
            .. Cold.Rows("1,000 profiles, first `LlmProfileStore.ListSummariesAsync` in a fresh process", store, new Cold(), py),
        ];
    }

    /// <summary>Runs the steps in a rotated order (round <paramref name="round"/> starts with step round mod n).</summary>
    private static void Interleave(List<Action> steps, int round)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            steps[(i + round) % steps.Count]();
        }
    }

    private static async Task InterleaveAsync(List<Func<Task>> steps, int round)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            await steps[(i + round) % steps.Count]();
        }
    }

    private static double Time(Func<int> action)
    {
        var start = Stopwatch.GetTimestamp();
        _ = action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The replay floor: list the folder, read every event file, <c>JsonDocument.Parse</c> it.</summary>
    private static int ReplayFloor(string events)
    {
        var total = 0;
        foreach (var path in Directory.GetFiles(events).Order(StringComparer.Ordinal))
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            total += document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object ? 1 : 0;
        }

        return total;
    }

    /// <summary>The persist floor: the same bytes to a new 0600 temp file in the folder, renamed to a new name.</summary>
    private static void WriteAndRename(string folder, string name, byte[] bytes)
    {
        var temp = Path.Combine(folder, name + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
        }

        File.Move(temp, Path.Combine(folder, name + ".json"));
    }

    /// <summary>In a fresh .NET process: the first <paramref name="kind"/> of <paramref name="path"/>, in ms.</summary>
    private static async Task<ColdSample> ChildAsync(string kind, string path)
    {
        var started = Stopwatch.GetTimestamp();
        var start = SelfProcess.StartInfo(ChildFlag, kind, path);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The {kind} child printed no result: {output}");
        var parts = line.Split(' ');
        return new ColdSample(double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture),
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// A fresh server process on <paramref name="server"/> (<see cref="FreshServerProcess"/>): its first
    /// <c>GET /api/profiles</c>, timed from this process with the warm <paramref name="client"/>, the child's processor
    /// time for it, and the child's whole run.
    /// </summary>
    private static async Task<ColdSample> ServerChildAsync(HttpClient client, string server)
    {
        var started = Stopwatch.GetTimestamp();
        var child = await FreshServerProcess.StartAsync(ChildFlag, "profiles-server", server);
        double ms, cpu;
        try
        {
            var start = Stopwatch.GetTimestamp();
            var body = await client.GetByteArrayAsync(child.Address + "/api/profiles");
            ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cpu = await child.CpuMsAsync();
            using var document = System.Text.Json.JsonDocument.Parse(body);
            CheckProfiles(document.RootElement.GetProperty("profiles").GetArrayLength());
        }
        finally
        {
            await child.DisposeAsync();
        }

        return new ColdSample(ms, cpu, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static void CheckProfiles(int count)
    {
        if (count != 1_000)
        {
            throw new InvalidOperationException($"The listing has {count} profiles, not 1,000.");
        }
    }

    /// <summary>The child's side of <see cref="ChildAsync"/> and <see cref="ServerChildAsync"/>; true when <paramref name="args"/> asked for it.</summary>
    public static async Task<bool> TryRunChildAsync(string[] args)
    {
        var at = Array.IndexOf(args, ChildFlag);
        if (at < 0)
        {
            return false;
        }

        var (kind, path) = (args[at + 1], args[at + 2]);
        double ms;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        TimeSpan cpuAfter;
        switch (kind)
        {
            case "replay":
                ms = Time(() => EventLog.Open(path).Count);
                cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
                break;
            case "replay-floor":
                ms = Time(() => ReplayFloor(path));
                cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
                break;
            case "profiles-store":
                {
                    var start = Stopwatch.GetTimestamp();
                    var store = new LlmProfileStore(new LlmProfileStoreOptions { Directory = path }, new Cipher(BenchProfile.SecretKey));
                    var count = (await store.ListSummariesAsync()).Count;
                    ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
                    CheckProfiles(count);
                    break;
                }

            case "profiles-server":
                {
                    await using var app = await BenchServer.StartAsync(path);
                    await FreshServerProcess.ServeAsync(app, _ => "?");
                    await app.StopAsync();
                    return true;
                }

            default:
                throw new ArgumentException($"Unknown side-by-side child '{kind}'.", nameof(args));
        }

        var cpu = (cpuAfter - cpuBefore).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {ms:F3} {cpu:F3}"));
        if (Environment.GetEnvironmentVariable("OH_JITINFO") == "1")
        {
            Console.Error.WriteLine($"JIT {System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms");
        }

        return true;
    }

    /// <summary>The samples of one side of a cold figure: the call's wall and CPU time in its process, and the process's whole run.</summary>
    private sealed class Cold
    {
        public List<double> Wall { get; } = [];

        public List<double> Cpu { get; } = [];

        public List<double> Process { get; } = [];

        public void Add(ColdSample sample)
        {
            Wall.Add(sample.Wall);
            Cpu.Add(sample.Cpu);
            Process.Add(sample.Process);
        }

        public static Row[] Rows(string figure, Cold net, Cold floor, Cold python) =>
        [
            new Row(figure + " (ms)", net.Wall, floor.Wall, python.Wall),
            new Row(figure + ", CPU time of the call (ms)", net.Cpu, floor.Cpu, python.Cpu),
            new Row(figure + ", whole process: start, load, call, exit (ms)", net.Process, floor.Process, python.Process),
        ];
    }

    private sealed record Row(string Figure, List<double> Net, List<double> Floor, List<double> Python)
    {
        public override string ToString()
        {
            var net = Median(Net);
            string Cell(List<double> values) => values.Count == 0 ? "—" : Median(values).ToString("F2", CultureInfo.InvariantCulture);
            string Ratio(List<double> values) => values.Count == 0 ? "—" : (net / Median(values)).ToString("F2", CultureInfo.InvariantCulture);
            return $"| {Figure} | {Cell(Net)} | {Cell(Floor)} | {Cell(Python)} | {Ratio(Python)} | {Ratio(Floor)} |";
        }

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }
}
