using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>Conversation leases and fencing on a real database: one owner at a time, a token that only grows, fenced writes refused.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("PostgreSql")]
public sealed class PostgreSqlConversationLeaseTests
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);
    private readonly TestInstances _db = new();

    [TearDown]
    public Task CleanAsync() => _db.DisposeAsync().AsTask();

    [Test]
    public async Task TryAcquire_LiveLeaseOfAnotherOwner_IsRefused_SameOwnerKeepsItsToken()
    {
        var leases = new PostgreSqlConversationLeases(await _db.OpenAsync());
        var id = Guid.NewGuid();

        var first = await leases.TryAcquireAsync(id, "instance-a", LeaseTime, runWanted: true);
        var other = await leases.TryAcquireAsync(id, "instance-b", LeaseTime, runWanted: true);
        var again = await leases.TryAcquireAsync(id, "instance-a", LeaseTime, runWanted: false);

        first.Should().Be(new ConversationLease(id, "instance-a", 1));
        other.Should().BeNull();
        again.Should().Be(first);
        (await _db.Database.QueryAsync($"SELECT run_wanted::text FROM conversation_leases WHERE conversation_id = '{id}'")).Single().Should().Be("true");
    }

    [Test]
    public async Task Takeover_AfterExpiry_RaisesTheToken_AndTheOldOwnersWritesAreRefused()
    {
        var database = await _db.OpenAsync();
        var leases = new PostgreSqlConversationLeases(database);
        var store = new PostgreSqlConversationStore(database);
        var id = Guid.NewGuid();
        var oldLease = (await leases.TryAcquireAsync(id, "instance-a", LeaseTime, runWanted: true))!;
        var oldWriter = store.OpenWriter(id, oldLease);
        oldWriter.WriteState("{}"u8);
        Append(oldWriter, 0, "before");
        await ExpireAsync(id);

        (await leases.ListOrphanedRunsAsync()).Should().Contain(id);
        var newLease = (await leases.TryAcquireAsync(id, "instance-b", LeaseTime, runWanted: true))!;
        var newWriter = store.OpenWriter(id, newLease);
        var fencedAppend = () => Append(oldWriter, 1, "fenced");
        var fencedState = () => oldWriter.WriteState("{\"fenced\":true}"u8);
        Append(newWriter, 1, "after");
        newWriter.WriteState("{\"owner\":\"b\"}"u8);

        newLease.Token.Should().Be(oldLease.Token + 1);
        fencedAppend.Should().Throw<ConversationLeaseLostException>().WithMessage($"*{id}*another instance took the conversation over*")
            .Which.Lease.Should().Be(oldLease);
        fencedState.Should().Throw<ConversationLeaseLostException>().WithMessage("*state*");
        (await leases.RenewAsync(oldLease, LeaseTime)).Should().BeFalse();
        (await leases.RenewAsync(newLease, LeaseTime)).Should().BeTrue();
        (await _db.Database.QueryAsync($"SELECT seq || ':' || lease_token FROM conversation_events WHERE conversation_id = '{id}' ORDER BY seq"))
            .Should().Equal("0:1", "1:2");
        (await _db.Database.QueryAsync($"SELECT state FROM conversations WHERE id = '{id}'")).Single().Should().Be("{\"owner\":\"b\"}");
    }

    [Test]
    public async Task Release_EndsTheRunWanted_AndAnotherInstanceTakesTheLeaseAtOnce()
    {
        var leases = new PostgreSqlConversationLeases(await _db.OpenAsync());
        var id = Guid.NewGuid();
        var lease = (await leases.TryAcquireAsync(id, "instance-a", LeaseTime, runWanted: true))!;

        (await leases.ReleaseAsync(lease)).Should().BeTrue();
        var next = await leases.TryAcquireAsync(id, "instance-b", LeaseTime, runWanted: false);

        next.Should().Be(new ConversationLease(id, "instance-b", 2));
        (await leases.ListOrphanedRunsAsync()).Should().NotContain(id);
        (await leases.ReleaseAsync(lease)).Should().BeFalse();
    }

    [Test]
    public async Task ReleaseWithoutRunEnded_KeepsAWantedRunWanted_SoItIsTakenOver_AndReadShowsTheHolder()
    {
        var leases = new PostgreSqlConversationLeases(await _db.OpenAsync());
        var id = Guid.NewGuid();
        (await leases.TryAcquireAsync(id, "instance-a", LeaseTime, runWanted: true)).Should().NotBeNull();
        await ExpireAsync(id);
        var hold = (await leases.TryAcquireAsync(id, "instance-b", LeaseTime, runWanted: false, ownerUrl: "http://10.0.0.2:8000"))!;

        var holder = await leases.ReadAsync(id);
        (await leases.ReleaseAsync(hold, runEnded: false)).Should().BeTrue();

        holder.Should().Be(new ConversationLeaseHolder(hold, IsLive: true, RunWanted: true, OwnerUrl: "http://10.0.0.2:8000"));
        (await leases.ReadAsync(id))!.IsLive.Should().BeFalse();
        (await leases.ListOrphanedRunsAsync()).Should().Contain(id, "a change's hold that ran nothing leaves the unfinished run to be taken over");
        (await leases.ReadAsync(Guid.NewGuid())).Should().BeNull();
    }

    [Test]
    public async Task Notifications_HearEachCommittedEventAndStateWrite_WithTheLeaseToken_AndDeletes()
    {
        var database = await _db.OpenAsync();
        var leases = new PostgreSqlConversationLeases(database);
        var store = new PostgreSqlConversationStore(database);
        var notifications = new PostgreSqlConversationNotifications(database);
        var id = Guid.NewGuid();
        var heard = System.Threading.Channels.Channel.CreateUnbounded<ConversationChange>();
        var listening = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var listen = notifications.ListenAsync(
            (change, token) => change.ConversationId == id ? heard.Writer.WriteAsync(change, token).AsTask() : Task.CompletedTask,
            _ => { listening.TrySetResult(); return Task.CompletedTask; },
            stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var lease = (await leases.TryAcquireAsync(id, "instance-a", LeaseTime, runWanted: false))!;
        var writer = store.OpenWriter(id, lease);
        writer.WriteState("{}"u8);
        Append(writer, 0, "one");
        Append(store.OpenWriter(id), 1, "two");
        (await store.DeleteAsync(id)).Should().BeTrue();

        var changes = new List<ConversationChange>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (changes.Count < 4)
        {
            changes.Add(await heard.Reader.ReadAsync(patience.Token));
        }

        await stop.CancelAsync();
        var ended = async () => await listen;
        await ended.Should().ThrowAsync<OperationCanceledException>();
        changes.Should().Equal(
            new ConversationChange(id, ConversationChangeKind.State, null, lease.Token),
            new ConversationChange(id, ConversationChangeKind.Event, 0, lease.Token),
            new ConversationChange(id, ConversationChangeKind.Event, 1, null),
            new ConversationChange(id, ConversationChangeKind.Deleted, null, null));
    }

    [Test]
    public async Task WriterWithoutLease_StillAppends_WithNoToken()
    {
        var database = await _db.OpenAsync();
        var store = new PostgreSqlConversationStore(database);
        var id = Guid.NewGuid();
        var writer = store.OpenWriter(id);
        writer.WriteState("{}"u8);

        Append(writer, 0, "plain");

        (await _db.Database.QueryAsync($"SELECT coalesce(lease_token::text, 'none') FROM conversation_events WHERE conversation_id = '{id}'"))
            .Single().Should().Be("none");
    }

    private static void Append(OpenHands.Sdk.Conversations.Persistence.IConversationWriter writer, int sequence, string text)
    {
        var message = new MessageEvent { Source = EventSource.User, Role = "user", Text = text, Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        writer.AppendEvent(sequence, message, EventJson.ToUtf8Bytes(message));
    }

    private async Task ExpireAsync(Guid id) =>
        await _db.Database.QueryAsync($"UPDATE conversation_leases SET expires_at = now() - interval '1 second' WHERE conversation_id = '{id}' RETURNING token");
}
