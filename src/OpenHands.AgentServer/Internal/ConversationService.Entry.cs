using System.Collections.Immutable;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

internal sealed partial class ConversationService
{
    /// <summary>
    /// A live conversation, its background run and its server-side record (<c>meta.json</c>: title, tags, times), with
    /// what is damaged in its files.
    /// </summary>
#pragma warning disable CA1001 // _retired has no timer and no callbacks of its own: nothing to release, and a copy's lifetime ends with its conversation's.
    internal sealed class Entry : IConversationView
#pragma warning restore CA1001
    {
        public const string MetaFileName = ConversationMetaJson.FileName;

        private readonly TimeProvider _time;
        private readonly IConversationStore? _store;
        private readonly CancellationTokenSource _retired = new();
        private int _subscribers;
        private ConversationFileDamage? _metaDamage;

        public Entry(Conversation conversation, DateTimeOffset createdAt, TimeProvider time, IConversationStore? store)
        {
            Conversation = conversation;
            CreatedAt = UpdatedAt = createdAt;
            _time = time;
            _store = store;
        }

        public Conversation Conversation { get; }

        public Guid Id => Conversation.Id;

        public ConversationState State => Conversation.State;

        /// <summary>Gets the LLM the conversation runs on now (its profile as resolved at load or at the last switch).</summary>
        public OpenHands.Sdk.Llms.Llm Llm => Conversation.Agent.Llm;

        public DateTimeOffset CreatedAt { get; private set; }

        public DateTimeOffset UpdatedAt { get; private set; }

        public Task? RunTask { get; set; }

        /// <summary>Gets a token cancelled when this copy is replaced (loaded again, or dropped): watchers move to the new copy.</summary>
        public CancellationToken Retired => _retired.Token;

        /// <summary>Marks this copy replaced; its watchers move on (<see cref="WatchAsync"/>).</summary>
        public void Retire() => _retired.Cancel();

        public bool IsRunning => RunTask is { IsCompleted: false };

        /// <summary>
        /// Gets or sets the lease token this copy is known fresh under (shared database only): the copy holds every write
        /// made under it. <see langword="null"/> when unknown (loaded while another instance held the lease), so the next
        /// change loads the conversation again.
        /// </summary>
        public long? LeaseToken { get; set; }

        public string? Title { get; private set; }

        public ImmutableSortedDictionary<string, string> Tags { get; private set; } = ImmutableSortedDictionary<string, string>.Empty;

        /// <summary>Gets the agent profile (id and revision) the conversation was launched from; set once at the start, never re-resolved.</summary>
        public LaunchedAgentProfileDocument? LaunchedAgentProfile { get; set; }

        /// <summary>
        /// Gets every damaged file of this conversation: the SDK's (<see cref="Conversation.Damage"/>: state, then events
        /// in index order) and a <c>meta.json</c> that cannot be read. Empty for a healthy conversation.
        /// </summary>
        public IReadOnlyList<ConversationFileDamage> Damage =>
            Volatile.Read(ref _metaDamage) is { } meta ? [.. Conversation.Damage, meta] : Conversation.Damage;

        /// <summary>
        /// Gets whether the conversation is read-only because its own files (state or events) are damaged: it is listed,
        /// read and deleted, but not run, sent messages or switched. A damaged <c>meta.json</c> alone does not make it read-only.
        /// </summary>
        public bool IsReadOnly => Conversation.Damage.Count > 0;

        /// <summary>The entry of a restored conversation: its <c>meta.json</c> is read (its damage, if any, is kept in <see cref="Damage"/>).</summary>
        public static async Task<Entry> RestoredAsync(Conversation conversation, IConversationStore store, TimeProvider time, CancellationToken cancellationToken)
        {
            var (meta, damage, createdAt) = await ConversationMetaJson.ReadAsync(store, conversation.Id, cancellationToken).ConfigureAwait(false);
            var entry = new Entry(conversation, createdAt, time, store);
            entry.Apply(meta, damage);
            return entry;
        }

        /// <exception cref="InvalidConversationException">The conversation is damaged; the message names the files.</exception>
        public void ThrowIfReadOnly()
        {
            if (IsReadOnly)
            {
                throw new InvalidConversationException(
                    $"Conversation {Conversation.Id} is damaged ({string.Join("; ", Conversation.Damage)}), so it is read-only: its readable "
                    + "history can be read and it can be deleted. Fix: delete it, or repair or remove the damaged files and restart the server.");
            }
        }

        /// <summary>Takes a websocket subscriber slot; false when <paramref name="limit"/> are already taken.</summary>
        public bool TryAddSubscriber(int limit)
        {
            if (Interlocked.Increment(ref _subscribers) <= limit)
            {
                return true;
            }

            Interlocked.Decrement(ref _subscribers);
            return false;
        }

        public void RemoveSubscriber() => Interlocked.Decrement(ref _subscribers);

        /// <summary>
        /// Changes title and/or tags and writes <c>meta.json</c> atomically before the change is visible. A damaged
        /// <c>meta.json</c> is kept as <c>meta.json.bak</c> first, then replaced (and no longer reported).
        /// </summary>
        public void Update(string? title, ImmutableSortedDictionary<string, string>? tags)
        {
            lock (this)
            {
                var (oldTitle, oldTags, oldUpdated) = (Title, Tags, UpdatedAt);
                Title = title ?? Title;
                Tags = tags ?? Tags;
                UpdatedAt = _time.GetUtcNow();
                try
                {
                    WriteMeta();
                }
                catch
                {
                    (Title, Tags, UpdatedAt) = (oldTitle, oldTags, oldUpdated);
                    throw;
                }
            }
        }

        public void WriteMeta()
        {
            if (_store is null)
            {
                return;
            }

            var meta = new ConversationMetaDocument
            {
                Id = Conversation.Id.ToString(),
                Title = Title,
                Tags = new Dictionary<string, string>(Tags, StringComparer.Ordinal),
                CreatedAt = CreatedAt,
                UpdatedAt = UpdatedAt,
                LlmProfileId = Conversation.State.LlmProfile?.Name.Value,
                LaunchedAgentProfile = LaunchedAgentProfile,
            };
            ConversationMetaJson.Write(_store, Conversation.Id, meta, replacesDamaged: _metaDamage is not null);
            Volatile.Write(ref _metaDamage, null);
        }

        /// <summary>Takes a read record; a damaged one is reported in <see cref="Damage"/>, never taken as empty.</summary>
        private void Apply(ConversationMetaDocument? meta, ConversationFileDamage? damage)
        {
            Volatile.Write(ref _metaDamage, damage);
            if (meta is null)
            {
                return;
            }

            Title = meta.Title;
            Tags = meta.Tags?.ToImmutableSortedDictionary(StringComparer.Ordinal) ?? ImmutableSortedDictionary<string, string>.Empty;
            CreatedAt = meta.CreatedAt ?? CreatedAt;
            UpdatedAt = meta.UpdatedAt ?? CreatedAt;
            LaunchedAgentProfile = meta.LaunchedAgentProfile;
        }
    }
}
