using OpenHands.Sdk.Serialization.Documents;
using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Conversations.Persistence;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Reads and writes the server's record of a conversation (<c>meta.json</c> in the file store, the <c>metadata</c> column
/// of a database: title, tags, times) through the conversation store. A record that cannot be read is reported, never
/// silently taken as empty, and the store keeps a copy of it before it is replaced (the file store's <c>meta.json.bak</c>).
/// </summary>
internal static class ConversationMetaJson
{
    public const string FileName = FileConversationStore.MetadataFileName;

    /// <summary>Reads conversation <paramref name="id"/>'s record.</summary>
    /// <returns>The record (<see langword="null"/> when there is none or it is damaged), what is wrong when it is damaged, and when the conversation was first stored.</returns>
    public static async Task<(ConversationMetaDocument? Meta, ConversationFileDamage? Damage, DateTimeOffset CreatedAt)> ReadAsync(
        IConversationStore store, Guid id, CancellationToken cancellationToken)
    {
        var record = await store.ReadMetadataAsync(id, cancellationToken).ConfigureAwait(false);
        if (record.Document is not { } bytes)
        {
            return (null, record.Damage, record.CreatedAt);
        }

        try
        {
            var meta = JsonSerializer.Deserialize(bytes, ServerJsonContext.Default.ConversationMetaDocument);
            return meta is null
                ? (null, new ConversationFileDamage(FileName, ConversationFileDamageKind.Unreadable, "it holds null, not an object"), record.CreatedAt)
                : (meta, null, record.CreatedAt);
        }
        catch (JsonException e)
        {
            return (null, new ConversationFileDamage(FileName, ConversationFileDamageKind.Unreadable, e.Message), record.CreatedAt);
        }
    }

    /// <summary>Writes the record whole; when <paramref name="replacesDamaged"/>, the store keeps the damaged one first, so replacing it loses nothing.</summary>
    public static void Write(IConversationStore store, Guid id, ConversationMetaDocument meta, bool replacesDamaged) =>
        store.WriteMetadata(id, JsonSerializer.SerializeToUtf8Bytes(meta, ServerJsonContext.Default.ConversationMetaDocument), replacesDamaged);

    /// <summary>
    /// What the record gives conversation <paramref name="id"/>: its title, tags, times and provenance, and its damage.
    /// Without a readable one: no title, no tags, and both times when the store first kept the conversation.
    /// </summary>
    public static async Task<ConversationMetaRecord> ReadRecordAsync(IConversationStore store, Guid id, CancellationToken cancellationToken)
    {
        var (meta, damage, createdAt) = await ReadAsync(store, id, cancellationToken).ConfigureAwait(false);
        var created = meta?.CreatedAt ?? createdAt;
        return new ConversationMetaRecord(
            meta?.Title,
            meta?.Tags?.ToImmutableSortedDictionary(StringComparer.Ordinal) ?? ImmutableSortedDictionary<string, string>.Empty,
            created,
            meta?.UpdatedAt ?? created,
            meta?.LaunchedAgentProfile,
            damage);
    }
}

/// <summary>A conversation's server-side record as read through the store (see <see cref="ConversationMetaJson.ReadRecordAsync"/>).</summary>
internal sealed record ConversationMetaRecord(
    string? Title,
    ImmutableSortedDictionary<string, string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    LaunchedAgentProfileDocument? LaunchedAgentProfile,
    ConversationFileDamage? Damage);
