using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// What every <see cref="IConversationStore"/> must do, run against each implementation (the file store, PostgreSQL):
/// a conversation started and run through one store instance is read back whole by another (a restart, another server)
/// and continues there; documents keep their exact bytes; the server's metadata round-trips; a deleted id is gone and
/// can be used again; a lost event is named as damage and makes the conversation read-only.
/// <see cref="CreateStoreAsync"/> called twice gives two instances over the same storage.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class ConversationStoreContract
{
    private ConversationTestKit? _kit;

    /// <summary>A new store instance over this test's storage.</summary>
    protected abstract Task<IConversationStore> CreateStoreAsync();

    /// <summary>Removes stored event <paramref name="sequence"/> of conversation <paramref name="id"/>, bypassing the store (a lost write).</summary>
    protected abstract Task RemoveEventAsync(Guid id, int sequence);

    [TearDown]
    public async Task DisposeKitAsync()
    {
        if (_kit is not null)
        {
            await _kit.DisposeAsync();
        }
    }

    [Test]
    public async Task StartAndRun_AnotherInstanceReadsTheSameBytes_RestoresAndContinues()
    {
        var kit = await KitAsync();
        kit.Server.Enqueue(FakeReply.Text("first answer"), FakeReply.Text("second answer"));
        Guid id;
        List<(string Id, byte[] Json)> written;
        await using (var conversation = await Factory(await CreateStoreAsync()).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            await conversation.SendMessageAsync("One");
            (await conversation.RunAsync()).Status.Should().Be(ConversationExecutionStatus.Finished);
            id = conversation.Id;
            written = [.. conversation.Events.Select(e => (e.Id, conversation.GetEventJson(e.Id)!))];
        }

        var other = await CreateStoreAsync();
        (await other.ListAsync()).Should().Contain(id);
        (await other.ExistsAsync(id)).Should().BeTrue();
        var record = await other.ReadAsync(id);
        record.Damage.Should().BeEmpty();
        record.Events.Select(e => e.Event.Id).Should().Equal(written.Select(w => w.Id));
        for (var i = 0; i < written.Count; i++)
        {
            record.Events[i].Json.Should().Equal(written[i].Json, "event {0} keeps the bytes it was written as", i);
        }

        using (var state = JsonDocument.Parse(record.State!))
        {
            state.RootElement.GetProperty("id").GetString().Should().Be(id.ToString());
            state.RootElement.GetProperty("agent_state").GetProperty("llm_profile").GetString().Should().Be("Default");
        }

        await using var restored = await Factory(other).RestoreAsync(id, kit.Options());
        restored.Events.Select(e => e.Id).Should().Equal(written.Select(w => w.Id));
        restored.GetResult().FinalAnswer.Should().Be("first answer");
        await restored.SendMessageAsync("Two");
        (await restored.RunAsync()).FinalAnswer.Should().Be("second answer");

        var reread = await (await CreateStoreAsync()).ReadAsync(id);
        reread.Events.Select(e => e.Event.Id).Should().Equal(restored.Events.Select(e => e.Id), "the appends after the restore follow the first ones");
        reread.Damage.Should().BeEmpty();
    }

    [Test]
    public async Task Documents_AreKeptByteForByte_UnknownFieldsIncluded()
    {
        var store = await CreateStoreAsync();
        var id = Guid.NewGuid();
        var state = Encoding.UTF8.GetBytes(
            "{\"id\":\"" + id + "\",\"future_field\":{\"kept\":[1,2.50,\"x\"]},\"agent\":{\"llm\":{\"model\":\"openai/gpt-test\"}}}");
        var known = Encoding.UTF8.GetString(EventJson.ToUtf8Bytes(new MessageEvent
        {
            Source = EventSource.User, Role = "user", Text = "hello", Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        }));
        var json = Encoding.UTF8.GetBytes("{\"future_event_field\":{\"n\":1.50}," + known[1..]);
        var e = EventJson.FromUtf8Bytes(json);

        var writer = store.OpenWriter(id);
        writer.WriteState(state);
        writer.AppendEvent(0, e, json);

        var record = await (await CreateStoreAsync()).ReadAsync(id);
        record.State.Should().Equal(state);
        record.Events.Should().ContainSingle();
        record.Events[0].Json.Should().Equal(json);
        record.Events[0].Event.Id.Should().Be(e.Id);
        record.Events[0].Event.AdditionalProperties.Should().ContainKey("future_event_field");
    }

    [Test]
    public async Task Metadata_IsWrittenWhole_AndReadByAnotherInstance()
    {
        var kit = await KitAsync();
        var store = await CreateStoreAsync();
        await using var conversation = await Factory(store).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        (await store.ReadMetadataAsync(conversation.Id)).Should().Match<ConversationMetadataRecord>(r => r.Document == null && r.Damage == null);

        var first = Encoding.UTF8.GetBytes("""{"title":"one","tags":{"a":"b"},"future":[1.50]}""");
        var second = Encoding.UTF8.GetBytes("""{"title":"two"}""");
        store.WriteMetadata(conversation.Id, first, replacesDamaged: false);
        var other = await CreateStoreAsync();
        (await other.ReadMetadataAsync(conversation.Id)).Document.Should().Equal(first);
        other.WriteMetadata(conversation.Id, second, replacesDamaged: false);

        var read = await (await CreateStoreAsync()).ReadMetadataAsync(conversation.Id);
        read.Document.Should().Equal(second);
        read.Damage.Should().BeNull();
        (await store.ListMetadataAsync()).Should().ContainSingle(r => r.Id == conversation.Id).Which.Document.Should().Equal(second);
    }

    [Test]
    public async Task Delete_RemovesEverything_AndTheIdCanBeUsedAgain()
    {
        var kit = await KitAsync();
        var id = Guid.NewGuid();
        var store = await CreateStoreAsync();
        await using (var conversation = await Factory(store).StartAsync(ConversationTestKit.Agent(kit.Llm()), Options(kit, id)))
        {
            await conversation.SendMessageAsync("before the delete");
        }

        store.WriteMetadata(id, Encoding.UTF8.GetBytes("""{"title":"old"}"""), replacesDamaged: false);
        var other = await CreateStoreAsync();
        (await other.DeleteAsync(id)).Should().BeTrue();

        (await store.ExistsAsync(id)).Should().BeFalse();
        (await store.ListAsync()).Should().NotContain(id);
        await FluentActions.Awaiting(() => store.ReadAsync(id)).Should().ThrowAsync<InvalidConversationException>();
        (await store.ReadMetadataAsync(id)).Document.Should().BeNull();
        (await store.DeleteAsync(id)).Should().BeFalse("nothing is left to delete");

        await using (var again = await Factory(store).StartAsync(ConversationTestKit.Agent(kit.Llm()), Options(kit, id)))
        {
            await again.SendMessageAsync("after the delete");
        }

        var record = await (await CreateStoreAsync()).ReadAsync(id);
        record.Damage.Should().BeEmpty();
        record.Events.Select(e => e.Event).OfType<MessageEvent>().Select(m => m.Text).Should().Equal("after the delete");
    }

    [Test]
    public async Task LostEvent_IsNamedAsDamage_AndTheConversationIsReadOnly()
    {
        var kit = await KitAsync();
        var store = await CreateStoreAsync();
        Guid id;
        int count;
        await using (var conversation = await Factory(store).StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options()))
        {
            foreach (var text in new[] { "one", "two", "three" })
            {
                await conversation.SendMessageAsync(text);
            }

            (id, count) = (conversation.Id, conversation.Events.Count);
        }

        await RemoveEventAsync(id, 1);

        await using var restored = await Factory(await CreateStoreAsync()).RestoreAsync(id, kit.Options());
        restored.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(d => d.Kind == ConversationFileDamageKind.Missing && d.EventIndex == 1);
        restored.Events.Should().HaveCount(count - 1, "every other event is kept, also those after the gap");
        await FluentActions.Awaiting(() => restored.SendMessageAsync("four")).Should().ThrowAsync<InvalidConversationException>();
        (await (await CreateStoreAsync()).ReadAsync(id)).Events.Should().HaveCount(count - 1, "nothing was written");
    }

    [Test]
    public async Task UnknownId_DoesNotExist_AndReadingItThrows()
    {
        var store = await CreateStoreAsync();
        var id = Guid.NewGuid();

        (await store.ExistsAsync(id)).Should().BeFalse();
        (await store.ListAsync()).Should().NotContain(id);
        await FluentActions.Awaiting(() => store.ReadAsync(id)).Should().ThrowAsync<InvalidConversationException>();
    }

    private async Task<ConversationTestKit> KitAsync() => _kit ??= await ConversationTestKit.StartAsync();

    private ConversationFactory Factory(IConversationStore store) => new(new ConversationFactoryOptions { Store = store, ProfileStore = _kit!.Store });

    private static ConversationOptions Options(ConversationTestKit kit, Guid id) => new() { WorkingDirectory = kit.Workspace, ConversationId = id };
}
