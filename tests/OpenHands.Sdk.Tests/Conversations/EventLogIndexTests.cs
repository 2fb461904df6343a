using System.Text;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// The event log's index (issue 17): search, count and get-by-id answer from positions and the events' stored JSON,
/// which is exactly what the event files hold, and the index is rebuilt from the files when the log is opened again.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Persistence")]
public sealed class EventLogIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static EventLog Filled(string directory, int count)
    {
        var log = EventLog.Open(directory);
        for (var i = 0; i < count; i++)
        {
            var user = i % 3 == 0;
            log.Append(new MessageEvent
            {
                Id = $"0000000{i:D1}-aaaa-bbbb-cccc-{i:D12}",
                Timestamp = Start.AddMinutes(i),
                Source = user ? EventSource.User : EventSource.Agent,
                Role = user ? "user" : "assistant",
                Text = user ? $"question {i}" : $"answer {i}",
            });
        }

        return log;
    }

    private static string[] Ids(List<byte[]> items) =>
        [.. items.Select(b => EventJsonCodec.FromBytes(b).Id)];

    [Test]
    public void Page_NoFilter_IsTheRangeOfPositionsInEitherOrderAndTheBytesAreTheFiles()
    {
        using var dir = TempDirectory.Create();
        var log = Filled(dir.Path, 10);

        var (first, more) = log.Page(EventFilter.All, descending: false, offset: 0, limit: 4);
        var (last, none) = log.Page(EventFilter.All, descending: false, offset: 8, limit: 4);
        var (newest, _) = log.Page(EventFilter.All, descending: true, offset: 0, limit: 2);

        Ids(first).Should().Equal(log.Events.Take(4).Select(e => e.Id));
        more.Should().BeTrue();
        Ids(last).Should().Equal(log.Events.Skip(8).Select(e => e.Id));
        none.Should().BeFalse();
        Ids(newest).Should().Equal(log.Events[9].Id, log.Events[8].Id);
        first[0].Should().Equal(File.ReadAllBytes(dir.Combine(EventLog.FileNameFor(0, log.Events[0].Id))), "a page copies the stored JSON");
        log.Page(EventFilter.All, descending: false, offset: 10, limit: 4).Items.Should().BeEmpty();
    }

    [Test]
    public void PageAndCount_Filters_TakeOnlyMatchingEventsAndTellWhetherMoreFollow()
    {
        using var dir = TempDirectory.Create();
        var log = Filled(dir.Path, 10);
        var users = EventFilter.All with { Source = "user" };   // positions 0, 3, 6, 9
        var window = EventFilter.All with { From = Start.AddMinutes(2), To = Start.AddMinutes(5) };   // 2, 3, 4
        var text = EventFilter.All with { Body = "ANSWER 7" };

        log.CountMatching(EventFilter.All).Should().Be(10);
        log.CountMatching(users).Should().Be(4);
        log.CountMatching(window).Should().Be(3);
        log.CountMatching(text).Should().Be(1);
        log.CountMatching(EventFilter.All with { Kind = "ActionEvent" }).Should().Be(0);

        var (page, more) = log.Page(users, descending: false, offset: 1, limit: 2);
        Ids(page).Should().Equal(log.Events[3].Id, log.Events[6].Id);
        more.Should().BeTrue("position 9 matches too");
        var (rest, end) = log.Page(users, descending: false, offset: 3, limit: 2);
        Ids(rest).Should().Equal(log.Events[9].Id);
        end.Should().BeFalse();
        Ids(log.Page(window, descending: true, offset: 0, limit: 10).Items).Should().Equal(log.Events[4].Id, log.Events[3].Id, log.Events[2].Id);
    }

    [Test]
    public void Open_Again_RebuildsTheIndexFromTheFiles()
    {
        using var dir = TempDirectory.Create();
        var written = Filled(dir.Path, 6);
        var pageBefore = written.Page(EventFilter.All, descending: true, offset: 1, limit: 3).Items;

        var reopened = EventLog.Open(dir.Path);

        reopened.Page(EventFilter.All, descending: true, offset: 1, limit: 3).Items.Should().BeEquivalentTo(pageBefore, o => o.WithStrictOrdering());
        reopened.JsonOf(written.Events[4].Id).Should().Equal(File.ReadAllBytes(dir.Combine(EventLog.FileNameFor(4, written.Events[4].Id))));
        reopened.JsonOf("ffffffff-0000-0000-0000-000000000000").Should().BeNull();
        reopened.CountMatching(EventFilter.All with { Source = "agent" }).Should().Be(4);
    }

    [Test]
    public void JsonOf_InMemoryLog_WritesTheEventWithTheCodec()
    {
        var log = EventLog.InMemory();
        var e = new MessageEvent { Id = "12345678-aaaa", Source = EventSource.User, Role = "user", Text = "hi" };
        log.Append(e);

        Encoding.UTF8.GetString(log.JsonOf(e.Id)!).Should().Be(Encoding.UTF8.GetString(EventJsonCodec.ToBytes(e)));
    }

    [TestCase("event-00000-0123456789abcdef.json", true, 0)]
    [TestCase("event-01234-01234567-89ab-cdef-0123-456789abcdef.json", true, 1234)]
    [TestCase("event-123456-ABCDEF01.json", true, 123456)]
    [TestCase("event-0001-0123456789abcdef.json", false, 0)]
    [TestCase("event-00001-0123456.json", false, 0)]
    [TestCase("event-00001-0123456789abcdeg.json", false, 0)]
    [TestCase("event-0000x-0123456789abcdef.json", false, 0)]
    [TestCase("event-00001-0123456789abcdef.json.tmp", false, 0)]
    [TestCase("tmp0123456789ab.tmp", false, 0)]
    [TestCase("event-2147483647-0123456789abcdef.json", true, int.MaxValue)]
    [TestCase("event-2147483648-0123456789abcdef.json", false, 0)]
    [TestCase("event-000000000000000000001-0123456789abcdef.json", true, 1)]
    [TestCase("event-99999999999999999999-0123456789abcdef.json", false, 0)]
    [TestCase("event-00001.json", false, 0)]
    [TestCase("event-00001-.json", false, 0)]
    public void TryParseFileName_TakesOnlyTheEventFileLayout(string name, bool valid, int index)
    {
        EventLog.TryParseFileName(name, out var parsed, out var id).Should().Be(valid);
        if (valid)
        {
            parsed.Should().Be(index);
            name[id].Should().Be(name[(name.IndexOf('-', 6) + 1)..^5]);
        }
    }
}
