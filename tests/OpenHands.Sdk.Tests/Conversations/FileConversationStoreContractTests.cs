using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>The <see cref="IConversationStore"/> contract on <see cref="FileConversationStore"/>: one temp folder per test, the Python layout.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("Conversation")]
public sealed class FileConversationStoreContractTests : ConversationStoreContract
{
    private readonly TempDirectory _folder = TempDirectory.Create();

    [TearDown]
    public void Clean() => _folder.Dispose();

    [Test]
    public async Task Read_TruncatedEventFile_IsNamedAsUnreadable_AndTheOthersAreKept()
    {
        var store = new FileConversationStore(_folder.Path);
        var id = Guid.NewGuid();
        var writer = store.OpenWriter(id);
        writer.WriteState("{}"u8);
        var events = Enumerable.Range(0, 3).Select(i => new OpenHands.Sdk.Conversations.Events.MessageEvent
        {
            Source = OpenHands.Sdk.Conversations.Events.EventSource.User, Role = "user", Text = "m" + i, Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(i),
        }).ToArray();
        for (var i = 0; i < events.Length; i++)
        {
            writer.AppendEvent(i, events[i], OpenHands.Sdk.Conversations.Events.EventJson.ToUtf8Bytes(events[i]));
        }

        var file = Path.Combine(store.FolderFor(id), Conversation.EventsFolderName, $"event-00001-{events[1].Id}.json");
        File.WriteAllText(file, "{\"kind\":\"MessageEv");

        var record = await new FileConversationStore(_folder.Path).ReadAsync(id);

        record.Events.Select(e => e.Event.Id).Should().Equal(events[0].Id, events[2].Id);
        record.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(
            d => d.Kind == ConversationFileDamageKind.Unreadable && d.EventIndex == 1 && d.File == $"events/event-00001-{events[1].Id}.json");
        File.ReadAllText(file).Should().Be("{\"kind\":\"MessageEv", "reading changes no file");
    }

    protected override Task<IConversationStore> CreateStoreAsync() => Task.FromResult<IConversationStore>(new FileConversationStore(_folder.Path));

    protected override Task RemoveEventAsync(Guid id, int sequence)
    {
        var events = Path.Combine(FileConversationStore.FolderFor(_folder.Path, id), Conversation.EventsFolderName);
        File.Delete(Directory.GetFiles(events, $"event-{sequence:D5}-*.json").Single());
        return Task.CompletedTask;
    }
}
