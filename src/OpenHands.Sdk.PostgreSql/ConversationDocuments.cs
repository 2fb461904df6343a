using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;

namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// One conversation as stored, what <c>openhands store copy</c> moves: the bytes of its state (<c>base_state.json</c>),
/// of the server's metadata (<c>meta.json</c>) and of every event, in order. Nothing is re-serialized, so unknown fields
/// survive the copy byte for byte.
/// </summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="State">The state document's bytes.</param>
/// <param name="Metadata">The metadata document's bytes, or <see langword="null"/> when none is stored.</param>
/// <param name="Events">The events in order, each with its stored bytes.</param>
/// <param name="CreatedAt">When the conversation was stored first.</param>
public sealed record ConversationDocuments(Guid Id, byte[] State, byte[]? Metadata, IReadOnlyList<StoredEvent> Events, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Reads every conversation of <paramref name="store"/> through its port. A damaged conversation (a file or row that
    /// cannot be read, a missing event, a missing state) stops the read: copying it would either drop what is damaged or
    /// spread the damage, so it is named, and nothing is written anywhere.
    /// </summary>
    /// <param name="store">The source store.</param>
    /// <param name="source">How messages name the source (a folder path, or "the database").</param>
    /// <param name="progress">Receives the number of conversations read so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The conversations, ordered by id.</returns>
    /// <exception cref="InvalidConversationException">A conversation is damaged; the message names it, the damaged file and the fix.</exception>
    public static async Task<IReadOnlyList<ConversationDocuments>> ReadAllAsync(
        IConversationStore store, string source, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Order().ToArray();
        var result = new List<ConversationDocuments>(ids.Length);
        foreach (var id in ids)
        {
            var record = await store.ReadAsync(id, cancellationToken).ConfigureAwait(false);
            var metadata = await store.ReadMetadataAsync(id, cancellationToken).ConfigureAwait(false);
            var damage = record.Damage.Count > 0 ? record.Damage[0] : metadata.Damage;
            if (damage is not null || record.State is null)
            {
                var what = damage?.ToString() ?? "its state is missing";
                throw new InvalidConversationException(
                    $"{source}: conversation {id:N} is damaged ({what}), so it cannot be copied as stored; nothing was written. "
                    + "Repair or delete it (the agent server lists it with the damaged file named), then copy again.");
            }

            result.Add(new ConversationDocuments(id, record.State, metadata.Document, record.Events, metadata.CreatedAt));
            progress?.Report(result.Count);
        }

        return result;
    }

    /// <summary>
    /// Writes the conversations through <paramref name="store"/>'s port, each as stored (state, events in order,
    /// metadata), so a folder gets the files the SDK writes. Check the target holds none of them before.
    /// </summary>
    /// <param name="store">The target store.</param>
    /// <param name="conversations">The conversations.</param>
    /// <param name="progress">Receives the number of conversations written so far, or <see langword="null"/>.</param>
    public static void WriteAll(IConversationStore store, IReadOnlyList<ConversationDocuments> conversations, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(conversations);
        var written = 0;
        foreach (var conversation in conversations)
        {
            var writer = store.OpenWriter(conversation.Id);
            writer.WriteState(conversation.State);
            for (var i = 0; i < conversation.Events.Count; i++)
            {
                writer.AppendEvent(i, conversation.Events[i].Event, conversation.Events[i].Json);
            }

            if (conversation.Metadata is { } metadata)
            {
                store.WriteMetadata(conversation.Id, metadata, replacesDamaged: false);
            }

            progress?.Report(++written);
        }
    }
}
