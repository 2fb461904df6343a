using System.Security.Cryptography;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// Damaged files never hide a conversation (issue 11): a truncated state or event file, a missing event, a missing state
/// file. The conversation restores read-only with what can be read, the damage is named, nothing is skipped silently,
/// and no attempt to write changes a byte.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationDamageTests
{
    /// <summary>A persisted conversation with four events (system prompt, three messages) and its folder.</summary>
    private static async Task<(Guid Id, string Folder, string[] EventFiles, string[] EventIds)> PersistAsync(ConversationTestKit kit)
    {
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), kit.Options());
        foreach (var text in new[] { "One", "Two", "Three" })
        {
            await conversation.SendMessageAsync(text);
        }

        var folder = conversation.Directory!;
        var files = Directory.GetFiles(Path.Combine(folder, "events")).Order(StringComparer.Ordinal).ToArray();
        files.Should().HaveCount(4);
        return (conversation.Id, folder, files, [.. conversation.Events.Select(e => e.Id)]);
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static void Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }

    /// <summary>Every method that writes throws the typed error naming <paramref name="file"/>; the files stay byte-identical.</summary>
    private static async Task WritesAreRefusedAsync(Conversation conversation, string folder, string file)
    {
        var before = Snapshot(folder);
        await FluentActions.Awaiting(() => conversation.SendMessageAsync("more")).Should().ThrowAsync<InvalidConversationException>().WithMessage($"*{file}*read-only*");
        await FluentActions.Awaiting(() => conversation.RunAsync()).Should().ThrowAsync<InvalidConversationException>();
        await FluentActions.Awaiting(() => conversation.PauseAsync()).Should().ThrowAsync<InvalidConversationException>();
        await FluentActions.Awaiting(() => conversation.SwitchProfileAsync("Default")).Should().ThrowAsync<InvalidConversationException>();
        Snapshot(folder).Should().Equal(before);
    }

    [Test]
    public async Task RestoreAsync_TruncatedBaseState_RestoresReadOnlyWithEveryEventAndNamesTheFile()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, folder, _, eventIds) = await PersistAsync(kit);
        Truncate(Path.Combine(folder, "base_state.json"));

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(d =>
            d.File == "base_state.json" && d.Kind == ConversationFileDamageKind.Unreadable && d.EventIndex == null && d.Problem.Length > 0);
        restored.Id.Should().Be(id);
        restored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Error, "nothing is known about where the run stood");
        restored.Agent.Llm.Model.Should().Be("unknown");
        restored.Events.Select(e => e.Id).Should().Equal(eventIds);
        await WritesAreRefusedAsync(restored, folder, "base_state.json");
        kit.Server.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task RestoreAsync_TruncatedEvent_KeepsTheOthersInOrderAndNamesTheEvent()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, folder, files, eventIds) = await PersistAsync(kit);
        Truncate(files[2]);

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(d =>
            d.File == "events/" + Path.GetFileName(files[2]) && d.Kind == ConversationFileDamageKind.Unreadable
            && d.EventIndex == 2 && d.EventId == eventIds[2]);
        restored.Events.Select(e => e.Id).Should().Equal(eventIds[0], eventIds[1], eventIds[3]);
        restored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle, "the state file is fine");
        restored.Agent.Llm.Model.Should().Be("openai/gpt-test", "the persisted snapshot is shown");
        await WritesAreRefusedAsync(restored, folder, Path.GetFileName(files[2]));
    }

    [Test]
    public async Task RestoreAsync_MissingEvent_KeepsTheEventsAfterTheGapAndReportsTheIndex()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, folder, files, eventIds) = await PersistAsync(kit);
        File.Delete(files[1]);

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(d =>
            d.File == "events/event-00001-*.json" && d.Kind == ConversationFileDamageKind.Missing && d.EventIndex == 1 && d.EventId == null);
        restored.Events.Select(e => e.Id).Should().Equal([eventIds[0], eventIds[2], eventIds[3]], "a gap no longer cuts the history");
        restored.Events.OfType<MessageEvent>().Select(m => m.Text).Should().Equal("Two", "Three");
        await WritesAreRefusedAsync(restored, folder, "event-00001-*.json");
    }

    [Test]
    public async Task RestoreAsync_SeveralMissingEvents_AreOneReportForTheGap()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, _, files, eventIds) = await PersistAsync(kit);
        File.Delete(files[1]);
        File.Delete(files[2]);

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Damage.Should().ContainSingle().Which.Problem.Should().Contain("events 1 to 2 are missing");
        restored.Events.Select(e => e.Id).Should().Equal(eventIds[0], eventIds[3]);
    }

    [Test]
    public async Task RestoreAsync_MissingBaseStateBesideEvents_RestoresTheEvents()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, folder, _, eventIds) = await PersistAsync(kit);
        File.Delete(Path.Combine(folder, "base_state.json"));

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Damage.Should().ContainSingle().Which.Should().Match<ConversationFileDamage>(d =>
            d.File == "base_state.json" && d.Kind == ConversationFileDamageKind.Missing);
        restored.Events.Select(e => e.Id).Should().Equal(eventIds);
        (await kit.Factory().ListPersistedAsync()).Should().Contain(id);
        await FluentActions.Awaiting(() => kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm()), new ConversationOptions { ConversationId = id }))
            .Should().ThrowAsync<InvalidOperationException>("its events are still there: a new start would mix them in")
            .WithMessage("*already exists*");
    }

    [Test]
    public async Task RestoreAsync_HealthyConversation_HasNoDamageAndStaysWritable()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, _, _, _) = await PersistAsync(kit);

        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());

        restored.Damage.Should().BeEmpty();
        await restored.SendMessageAsync("Four");
        restored.Events.Should().HaveCount(5);
    }

    [Test]
    public async Task RestoreAsync_CrashLeftovers_OldTempFilesGoFreshOnesAndOtherFilesStay()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, folder, _, _) = await PersistAsync(kit);
        var now = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        string Place(string relative, TimeSpan age)
        {
            var path = Path.Combine(folder, relative);
            File.WriteAllText(path, "leftover");
            File.SetLastWriteTimeUtc(path, (now - age).UtcDateTime);
            return path;
        }

        var oldState = Place("tmp0123456789ab.tmp", TimeSpan.FromHours(1));
        var oldEvent = Place(Path.Combine("events", "tmpba9876543210.tmp"), TimeSpan.FromMinutes(3));
        var live = Place("tmpfeedfacecafe.tmp", TimeSpan.FromSeconds(5));
        var notOurs = Place("notes.tmp", TimeSpan.FromDays(1));
        var factory = new ConversationFactory(new ConversationFactoryOptions
        {
            PersistenceDirectory = kit.Conversations,
            ProfileStore = kit.Store,
            TimeProvider = new FakeTimeProvider(now),
        });

        await using var restored = await factory.RestoreAsync(id, kit.Options());

        File.Exists(oldState).Should().BeFalse();
        File.Exists(oldEvent).Should().BeFalse();
        File.Exists(live).Should().BeTrue("a write in progress (of any process) keeps its temp file");
        File.Exists(notOurs).Should().BeTrue("only temp files of atomic writes are removed");
        restored.Damage.Should().BeEmpty();
    }

    [Test]
    public async Task ListPersistedAsync_ListsHealthyAndDamagedButNotLeftoversOrForeignFolders()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (healthy, _, _, _) = await PersistAsync(kit);
        var (damaged, damagedFolder, _, _) = await PersistAsync(kit);
        Truncate(Path.Combine(damagedFolder, "base_state.json"));
        Directory.CreateDirectory(Path.Combine(kit.Conversations, Guid.NewGuid().ToString("N"), "events"));   // a start that crashed early
        Directory.CreateDirectory(Path.Combine(kit.Conversations, "not-a-conversation"));

        var ids = await kit.Factory().ListPersistedAsync();

        ids.Should().BeEquivalentTo([healthy, damaged]);
    }

    [Test]
    public async Task StoredConversationState_ReadsOnlyTheStateFile_AsARestoreShowsIt()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        var (id, folder, files, _) = await PersistAsync(kit);
        var root = Path.GetDirectoryName(folder)!;
        Truncate(files[2]);
        var before = Snapshot(folder);

        var stored = await StoredConversationState.ReadAsync(new FileConversationStore(root), id);

        stored.Id.Should().Be(id);
        stored.Directory.Should().Be(StoredConversation.FolderFor(root, id));
        stored.Damage.Should().BeEmpty("the event files are not examined");
        stored.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Idle);
        stored.State.LlmSnapshot.Model.Should().Be("openai/gpt-test");
        Snapshot(folder).Should().Equal(before, "reading writes nothing");

        // A damaged state file: the placeholder and the damage a restore shows.
        Truncate(Path.Combine(folder, "base_state.json"));
        var damaged = await StoredConversationState.ReadAsync(new FileConversationStore(root), id);
        await using var restored = await kit.Factory().RestoreAsync(id, kit.Options());
        damaged.Damage.Should().ContainSingle().Which.Should().Be(restored.Damage[0]);
        damaged.State.ExecutionStatus.Should().Be(ConversationExecutionStatus.Error);
        damaged.State.LlmSnapshot.Model.Should().Be("unknown");

        await FluentActions.Awaiting(() => StoredConversationState.ReadAsync(new FileConversationStore(root), Guid.NewGuid()))
            .Should().ThrowAsync<InvalidConversationException>().WithMessage("*not found*");
    }
}
