using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.Tests.Conversations;

namespace OpenHands.Sdk.Tests.PostgreSql;

/// <summary>The <see cref="IConversationStore"/> contract on <see cref="PostgreSqlConversationStore"/>: one new database per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("PostgreSql")]
public sealed class PostgreSqlConversationStoreContractTests : ConversationStoreContract
{
    private readonly TestInstances _db = new();

    [TearDown]
    public Task CleanAsync() => _db.DisposeAsync().AsTask();

    [Test]
    public async Task Append_TakenPositionOrEventId_IsAStoreConflict_NeverADuplicate()
    {
        var store = await CreateStoreAsync();
        var id = Guid.NewGuid();
        var writer = store.OpenWriter(id);
        writer.WriteState("{}"u8);
        var first = Message("first");
        writer.AppendEvent(0, first, EventJson.ToUtf8Bytes(first));

        var sameSeq = () => store.OpenWriter(id).AppendEvent(0, Message("second"), EventJson.ToUtf8Bytes(Message("second")));
        var sameId = () => store.OpenWriter(id).AppendEvent(1, first, EventJson.ToUtf8Bytes(first));

        sameSeq.Should().Throw<StoreConflictException>().WithMessage("*taken*another writer*");
        sameId.Should().Throw<StoreConflictException>();
        (await _db.Database.QueryAsync($"SELECT count(*) FROM conversation_events WHERE conversation_id = '{id}'")).Single().Should().Be("1");
        (await _db.Database.QueryAsync($"SELECT kind FROM conversation_events WHERE conversation_id = '{id}'")).Single().Should().Be("MessageEvent");
    }

    protected override async Task<IConversationStore> CreateStoreAsync() => new PostgreSqlConversationStore(await InstanceAsync());

    protected override async Task RemoveEventAsync(Guid id, int sequence)
    {
        await using var connection = await _db.Database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("DELETE FROM conversation_events WHERE conversation_id = $1 AND seq = $2", connection)
        {
            Parameters = { new() { Value = id }, new() { Value = sequence } },
        };
        (await command.ExecuteNonQueryAsync()).Should().Be(1);
    }

    private static MessageEvent Message(string text) =>
        new() { Source = EventSource.User, Role = "user", Text = text, Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };

    private Task<PostgreSqlDatabase> InstanceAsync() => _db.OpenAsync();
}
