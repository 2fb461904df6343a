using BenchmarkDotNet.Attributes;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Testing;

namespace OpenHands.Benchmarks;

/// <summary>
/// Persisting one event (serialize, then the store's write) on PostgreSQL against the file store, in the same run: the
/// payloads of <see cref="EventLogBenchmarks"/> (0.2 KB to 260 KB, median about 1.5 KB), each appended as a new event to
/// one growing conversation per store, through the conversation's own append path (<see cref="EventLog.Append"/> over
/// the store's <see cref="IConversationWriter"/>). Needs a cluster in <c>OPENHANDS_TEST_POSTGRES</c>
/// (<c>source .ci/postgres.sh &amp;&amp; start_test_postgres</c>); without one the setup stops with that message and
/// BenchmarkDotNet skips the class.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("append")]
public class PostgreSqlEventAppendBenchmarks
{
    private string _folder = "";
    private TestDatabase? _database;
    private PostgreSqlDatabase? _instance;
    private ObservationEvent[] _events = null!;
    private EventLog _file = null!;
    private EventLog _postgres = null!;
    private int _next;

    /// <remarks>Blocks on the async setup: the in-process toolchain does not await a setup that really yields (Npgsql does).</remarks>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public void FileAppend() => _file.Append(Next());

    [Benchmark]
    public void PostgreSqlAppend() => _postgres.Append(Next());

    private ObservationEvent Next()
    {
        var i = _next++;
        var e = _events[i % _events.Length];
        return new ObservationEvent
        {
            Id = Guid.NewGuid().ToString(),
            Timestamp = e.Timestamp,
            Source = e.Source,
            ToolName = e.ToolName,
            ToolCallId = e.ToolCallId,
            ActionId = e.ActionId,
            ObservationKind = e.ObservationKind,
            Text = e.Text,
        };
    }

    private async Task SetupAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestDatabase.Variable)))
        {
            throw new InvalidOperationException(
                $"{TestDatabase.Variable} is not set: the PostgreSQL event append benchmark is skipped. Start a cluster with `source .ci/postgres.sh && start_test_postgres`.");
        }

        _events = EventPayloads.Create(512, seed: 7);
        _folder = BenchProfile.NewFolder("append");
        var id = Guid.NewGuid();
        var files = new FileConversationStore(_folder);
        _file = Open(files, id);

        _database = await TestDatabase.CreateAsync();
        _instance = new PostgreSqlDatabase(_database.ConnectionString);
        await _instance.MigrateAsync();
        _postgres = Open(new PostgreSqlConversationStore(_instance), id);
    }

    /// <summary>A new conversation's log in <paramref name="store"/>, after its state row or file was written.</summary>
    private static EventLog Open(IConversationStore store, Guid id)
    {
        var writer = store.OpenWriter(id);
        writer.WriteState("{}"u8);
        return EventLog.Restore(writer, [], []);
    }

    private async Task CleanupAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        BenchProfile.DeleteFolder(_folder);
    }
}
