using System.Collections.Concurrent;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The start-up warm-up's sample conversation: started, given <see cref="SampleMessages"/> messages and restored through the SDK's real code
/// (materialize, persist, read back, resolve its profile, build its agent and tools, page its events), so a
/// conversation's first request after a restart does not run that code cold. It never touches the user's files: its
/// working folder is the temp folder (which exists), and, when the server keeps conversations in files, its
/// conversation and its profile are kept in a <see cref="FileConversationStore"/> and an <see cref="LlmProfileStore"/>
/// (with the server's cipher) on a new folder under the temp folder, deleted afterwards, so the file read paths are the
/// ones warmed; else both are kept in memory.
/// </summary>
internal static class WarmupConversation
{
    private static readonly string[] Tools = ["terminal", "file_editor", "task_tracker"];

    /// <summary>
    /// Enough messages that, with the conversation's first events, the restore reads more files than the event log's
    /// threshold for reading them in parallel (64), so that path is the one compiled, as a real conversation's restore takes it.
    /// </summary>
    private const int SampleMessages = 70;

    public static async Task RunAsync(ToolRegistry tools, bool files, Cipher? cipher, CancellationToken cancellationToken)
    {
        var folder = files ? Directory.CreateTempSubdirectory("openhands-warm-up-").FullName : null;
        try
        {
            // With files, the profile store is a file store too, with the server's cipher: a restore then loads its profile
            // from a file (a real asynchronous read and a decrypt), as it does on the user's files.
            var (store, profiles) = folder is null
                ? ((IConversationStore)new MemoryConversationStore(), (ILlmProfileStore)new MemoryProfileStore())
                : (new FileConversationStore(Directory.CreateDirectory(Path.Combine(folder, "conversations")).FullName),
                    new LlmProfileStore(new LlmProfileStoreOptions { Directory = Path.Combine(folder, "profiles"), FlushToDisk = false }, cipher));
            await RunAsync(tools, store, profiles, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task RunAsync(ToolRegistry tools, IConversationStore store, ILlmProfileStore profiles, CancellationToken cancellationToken)
    {
        var factory = new ConversationFactory(new ConversationFactoryOptions
        {
            Store = store,
            ProfileStore = profiles,
            ToolRegistry = tools,
        });
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("warm-up-sample-key"), BaseUrl = "https://llm.invalid/v1" };
        var agent = new Agent(llm, Tools.Where(tools.Contains).Select(name => new ToolSpec(name)));
        Guid id;
        await using (var started = await factory.StartAsync(agent, new ConversationOptions { WorkingDirectory = Path.GetTempPath() }, cancellationToken)
            .ConfigureAwait(false))
        {
            id = started.Id;
            for (var i = 0; i < SampleMessages; i++)
            {
                await started.SendMessageAsync($"Warm-up message {i}.", cancellationToken).ConfigureAwait(false);
            }
        }

        await using var restored = await factory.RestoreAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        _ = restored.ReadEventJson(EventFilter.All, descending: false, offset: 0, limit: 100);
        _ = restored.CountEvents();
    }

    /// <summary>Conversations in memory, with the bytes the SDK writes.</summary>
    private sealed class MemoryConversationStore : IConversationStore
    {
        private readonly ConcurrentDictionary<Guid, Stored> _conversations = new();

        public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Guid>>([.. _conversations.Keys]);

        public Task<IReadOnlyList<ConversationMetadataRecord>> ListMetadataAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ConversationMetadataRecord>>([.. _conversations.Keys.Select(id => new ConversationMetadataRecord(id, null, null, DateTimeOffset.UnixEpoch))]);

        public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(_conversations.ContainsKey(id));

        public Task<ConversationRecord> ReadAsync(Guid id, CancellationToken cancellationToken = default)
        {
            var stored = Get(id);
            lock (stored)
            {
                return Task.FromResult(new ConversationRecord(id, null, stored.State, [.. stored.Events], []));
            }
        }

        public Task<ConversationRecord> ReadStateAsync(Guid id, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ConversationRecord(id, null, Get(id).State, [], []));

        public IConversationWriter OpenWriter(Guid id) => new Writer(_conversations.GetOrAdd(id, _ => new Stored()));

        public Task<ConversationMetadataRecord> ReadMetadataAsync(Guid id, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ConversationMetadataRecord(id, null, null, DateTimeOffset.UnixEpoch));

        public void WriteMetadata(Guid id, ReadOnlySpan<byte> document, bool replacesDamaged)
        {
        }

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(_conversations.TryRemove(id, out _));

        private Stored Get(Guid id) =>
            _conversations.TryGetValue(id, out var stored) ? stored : throw new InvalidConversationException($"Conversation {id} is not in the warm-up's memory.");

        private sealed class Stored
        {
            public byte[]? State { get; set; }

            public List<StoredEvent> Events { get; } = [];
        }

        private sealed class Writer(Stored stored) : IConversationWriter
        {
            public string? Directory => null;

            public void AppendEvent(int sequence, ConversationEvent conversationEvent, ReadOnlySpan<byte> json)
            {
                lock (stored)
                {
                    stored.Events.Add(new StoredEvent(conversationEvent, json.ToArray()));
                }
            }

            public void WriteState(ReadOnlySpan<byte> json)
            {
                lock (stored)
                {
                    stored.State = json.ToArray();
                }
            }
        }
    }

    /// <summary>Profiles in memory: the sample's materialized LLM and nothing else.</summary>
    private sealed class MemoryProfileStore : ILlmProfileStore
    {
        private readonly ConcurrentDictionary<ProfileName, Llm> _profiles = new();

        public Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ProfileName>>([.. _profiles.Keys]);

        public Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<LlmProfileSummary>>([]);

        public async Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            await TryLoadAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new ProfileNotFoundException(name, [.. _profiles.Keys]);

        public Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default) =>
            Task.FromResult(_profiles.TryGetValue(name, out var llm) ? llm with { SourceProfile = name } : null);

        public Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default)
        {
            _profiles[name] = llm;
            return Task.CompletedTask;
        }

        public Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default) => Task.FromResult(_profiles.TryRemove(name, out _));

        public Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default)
        {
            if (_profiles.TryRemove(name, out var llm))
            {
                _profiles[newName] = llm;
            }

            return Task.CompletedTask;
        }

        public Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default) => Task.FromResult(_profiles.ContainsKey(name));
    }
}
