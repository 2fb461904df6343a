using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Reads and writes <c>meta.json</c>, the server's record of a conversation beside its state (title, tags,
/// times). A file that cannot be read is reported, never silently taken as empty, and is backed up before it is replaced.
/// </summary>
internal static class ConversationMetaFile
{
    public const string FileName = "meta.json";

    /// <summary>The SDK's state file beside it, whose creation time stands in for a missing <c>created_at</c>.</summary>
    private const string StateFileName = "base_state.json";

    /// <summary>Reads <c>meta.json</c> in <paramref name="directory"/>.</summary>
    /// <returns>The record (<see langword="null"/> when there is none or it is damaged) and, when it is damaged, what is wrong.</returns>
    public static (ConversationMetaDocument? Meta, ConversationFileDamage? Damage) Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            var meta = JsonSerializer.Deserialize(File.ReadAllBytes(path), ServerJsonContext.Default.ConversationMetaDocument);
            return meta is null
                ? (null, new ConversationFileDamage(FileName, ConversationFileDamageKind.Unreadable, "it holds null, not an object"))
                : (meta, null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, null);
        }
        catch (JsonException e)
        {
            return (null, new ConversationFileDamage(FileName, ConversationFileDamageKind.Unreadable, e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new ConversationFileDamage(FileName, ConversationFileDamageKind.Unreadable, "cannot be read: " + e.Message));
        }
    }

    /// <summary>
    /// What <c>meta.json</c> in <paramref name="directory"/> gives a conversation: its title, tags, times and provenance,
    /// and its damage. Without a readable one: no title, no tags, and both times the creation time of
    /// <c>base_state.json</c> (of the folder when there is none).
    /// </summary>
    public static ConversationRecord ReadRecord(string directory)
    {
        var (meta, damage) = Read(directory);
        var state = Path.Combine(directory, StateFileName);
        var created = meta?.CreatedAt ?? new DateTimeOffset(File.GetCreationTimeUtc(File.Exists(state) ? state : directory), TimeSpan.Zero);
        return new ConversationRecord(
            meta?.Title,
            meta?.Tags?.ToImmutableSortedDictionary(StringComparer.Ordinal) ?? ImmutableSortedDictionary<string, string>.Empty,
            created,
            meta?.UpdatedAt ?? created,
            meta?.LaunchedAgentProfile,
            damage);
    }

    /// <summary>
    /// Writes <c>meta.json</c> atomically (mode 0600). When <paramref name="replacesDamaged"/>, the damaged file is first
    /// kept as <c>meta.json.bak</c> (or <c>.2.bak</c>, …), so replacing it loses nothing.
    /// </summary>
    public static void Write(string directory, ConversationMetaDocument meta, bool replacesDamaged)
    {
        var path = Path.Combine(directory, FileName);
        if (replacesDamaged && File.Exists(path))
        {
            BackupFile.Create(path, File.ReadAllBytes(path));
        }

        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(meta, ServerJsonContext.Default.ConversationMetaDocument), flushToDisk: false);
    }
}

/// <summary>A conversation's server-side record as read from <c>meta.json</c> (see <see cref="ConversationMetaFile.ReadRecord"/>).</summary>
internal sealed record ConversationRecord(
    string? Title,
    ImmutableSortedDictionary<string, string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    LaunchedAgentProfileDocument? LaunchedAgentProfile,
    ConversationFileDamage? Damage);
