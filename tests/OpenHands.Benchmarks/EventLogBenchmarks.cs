using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;

namespace OpenHands.Benchmarks;

/// <summary>
/// Event persistence against raw file I/O measured in the same run: appending an event (payloads 0.2 KB to 260 KB,
/// median about 1.5 KB) vs writing the same bytes to a new file, and replaying a log of 1,000 events (about 4 MB)
/// vs reading and parsing the same files.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EventLogBenchmarks
{
    private const int ReplayEvents = 1000;
    private string _root = null!;
    private string _appendDir = null!;
    private string _floorDir = null!;
    private string _replayDir = null!;
    private ObservationEvent[] _events = null!;
    private byte[][] _eventBytes = null!;
    private EventLog _appendLog = null!;
    private int _next;
    private int _floorNext;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "ohsdk-bench-events-" + Guid.NewGuid().ToString("N")[..8]);
        _replayDir = Path.Combine(_root, "replay");
        _events = EventPayloads.Create(512, seed: 7);
        _eventBytes = [.. _events.Select(EventJsonCodec.ToBytes)];

        // A replay log of 1,000 events with the same size distribution (about 4 MB in all).
        var replay = EventLog.Open(_replayDir);
        foreach (var e in EventPayloads.Create(ReplayEvents, seed: 11))
        {
            replay.Append(e);
        }

        // Both append targets keep writing into their own growing folder, as a long conversation does.
        _appendDir = Path.Combine(_root, "append-" + Guid.NewGuid().ToString("N")[..8]);
        _floorDir = Path.Combine(_root, "floor-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_floorDir);
        _appendLog = EventLog.Open(_appendDir);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true, Description = "floor: write the event's bytes to a new file")]
    [BenchmarkCategory("Append")]
    public void AppendFloor()
    {
        var i = _floorNext++;
        File.WriteAllBytes(Path.Combine(_floorDir, EventLog.FileNameFor(i, "floor-" + i)), _eventBytes[i % _eventBytes.Length]);
    }

    [Benchmark(Description = "EventLog.Append (serialize + atomic write)")]
    [BenchmarkCategory("Append")]
    public void Append()
    {
        var i = _next++;
        var e = _events[i % _events.Length];
        _appendLog.Append(new ObservationEvent
        {
            Id = Guid.NewGuid().ToString(),
            Timestamp = e.Timestamp,
            Source = e.Source,
            ToolName = e.ToolName,
            ToolCallId = e.ToolCallId,
            ActionId = e.ActionId,
            ObservationKind = e.ObservationKind,
            Text = e.Text,
        });
    }

    [Benchmark(Baseline = true, Description = "floor: read + JsonDocument.Parse every file")]
    [BenchmarkCategory("Replay")]
    public int ReplayFloor()
    {
        var total = 0;
        foreach (var path in Directory.GetFiles(Path.Combine(_replayDir)).Order(StringComparer.Ordinal))
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            total += document.RootElement.GetArrayLength_Safe();
        }

        return total;
    }

    [Benchmark(Description = "EventLog.Open (scan + read + typed events)")]
    [BenchmarkCategory("Replay")]
    public int Replay() => EventLog.Open(_replayDir).Count;
}

/// <summary>Events whose sizes follow the spread of real conversations: mostly about 1.5 KB, a few up to 260 KB.</summary>
internal static class EventPayloads
{
    public static ObservationEvent[] Create(int count, int seed)
    {
        var random = new Random(seed);
        var events = new ObservationEvent[count];
        for (var i = 0; i < count; i++)
        {
            var p = random.NextDouble();
            var size = p < 0.02 ? random.Next(100_000, 260_000)   // large terminal outputs
                : p < 0.10 ? random.Next(8_000, 40_000)
                : p < 0.25 ? random.Next(200, 600)
                : random.Next(900, 2_200);
            events[i] = new ObservationEvent
            {
                Id = Guid.NewGuid().ToString(),
                Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(i),
                Source = EventSource.Environment,
                ToolName = "terminal",
                ToolCallId = "call_" + i,
                ActionId = Guid.NewGuid().ToString(),
                ObservationKind = "TerminalObservation",
                Text = Text(random, size),
            };
        }

        return events;
    }

    private static string Text(Random random, int size)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 \n./-_";
        var chars = new char[size];
        for (var i = 0; i < size; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    public static int GetArrayLength_Safe(this System.Text.Json.JsonElement element) =>
        element.ValueKind == System.Text.Json.JsonValueKind.Object ? 1 : 0;
}
