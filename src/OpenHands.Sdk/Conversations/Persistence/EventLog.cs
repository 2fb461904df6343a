using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// A conversation's events: in memory, and, with a folder, one file per event
/// (<c>events/event-NNNNN-&lt;id&gt;.json</c>, the Python layout), each written once, atomically.
/// </summary>
/// <remarks>
/// Opening never fails on a damaged file: every readable event is kept in index order, also after a gap, and each
/// unreadable or missing event file is reported in <see cref="Damage"/> (the Python SDK silently ends the log at a gap).
/// A damaged log is read-only: an append would land at an index that is already taken or that hides the gap.
/// Not thread-safe: the conversation serializes appends.
/// </remarks>
internal sealed partial class EventLog
{
    public const string FolderName = "events";

    private readonly string? _directory;
    private readonly List<ConversationEvent> _events = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(4096);
    private string? _readOnlyReason;

    private EventLog(string? directory) => _directory = directory;

    public IReadOnlyList<ConversationEvent> Events => _events;

    public int Count => _events.Count;

    /// <summary>Gets the event files that could not be read or are missing, in index order; empty for a healthy log.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; private set; } = [];

    public static EventLog InMemory() => new(null);

    /// <summary>
    /// Opens (and creates) an events folder and reads every event in index order. With <paramref name="now"/>, temp files
    /// of crashed writes older than <see cref="AtomicFile.LeftoverGracePeriod"/> before it are removed on the way.
    /// </summary>
    public static EventLog Open(string directory, DateTimeOffset? now = null)
    {
        AtomicFile.EnsureDirectory(directory);
        var log = new EventLog(directory);
        var files = new SortedDictionary<int, List<string>>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            var match = FileNamePattern().Match(name);
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                if (!files.TryGetValue(index, out var named))
                {
                    files[index] = named = [];
                }

                named.Add(name);
            }
            else if (now is { } sweepAt)
            {
                AtomicFile.TryRemoveLeftover(path, sweepAt);
            }
        }

        var damage = new List<ConversationFileDamage>();
        var expected = 0;
        foreach (var (index, names) in files)
        {
            if (index > expected)
            {
                damage.Add(Gap(expected, index - 1));
            }

            expected = index + 1;
            names.Sort(StringComparer.Ordinal);
            for (var n = 0; n < names.Count; n++)
            {
                var id = FileNamePattern().Match(names[n]).Groups[2].Value;
                var relative = $"{FolderName}/{names[n]}";
                if (n > 0)
                {
                    damage.Add(new ConversationFileDamage(relative, ConversationFileDamageKind.Unreadable,
                        $"another file ({names[0]}) has the same index {index}; this one is not read") { EventIndex = index, EventId = id });
                    continue;
                }

                if (TryReadFile(Path.Combine(directory, names[n]), out var e, out var problem))
                {
                    if (log._ids.Add(e.Id))
                    {
                        log._events.Add(e);
                    }
                }
                else
                {
                    damage.Add(new ConversationFileDamage(relative, ConversationFileDamageKind.Unreadable, problem) { EventIndex = index, EventId = id });
                }
            }
        }

        log.Damage = damage;
        if (damage.Count > 0)
        {
            log.MakeReadOnly(string.Join("; ", damage));
        }

        return log;
    }

    /// <summary>One report for the missing indices <paramref name="first"/> to <paramref name="last"/> (a gap of any length).</summary>
    private static ConversationFileDamage Gap(int first, int last) => first == last
        ? new ConversationFileDamage($"{FolderName}/{FileNameFor(first, "*")}", ConversationFileDamageKind.Missing,
            $"event {first} is missing; the events after it are kept") { EventIndex = first }
        : new ConversationFileDamage($"{FolderName}/{FileNameFor(first, "*")}", ConversationFileDamageKind.Missing,
            $"events {first} to {last} are missing ({last - first + 1} files); the events after them are kept") { EventIndex = first };

    /// <summary>Refuses every further append, with <paramref name="reason"/> in the error.</summary>
    public void MakeReadOnly(string reason) => _readOnlyReason ??= reason;

    /// <summary>Appends an event: writes its file (when persisted), then adds it to the list.</summary>
    /// <exception cref="ArgumentException">An event with the same id is already in the log.</exception>
    /// <exception cref="InvalidConversationException">The log is read-only because the conversation is damaged.</exception>
    public void Append(ConversationEvent e)
    {
        if (_readOnlyReason is { } reason)
        {
            throw new InvalidConversationException(
                $"The event log of '{_directory}' is read-only because the conversation is damaged ({reason}). Nothing was written.");
        }

        if (!_ids.Add(e.Id))
        {
            throw new ArgumentException($"Event with id '{e.Id}' already exists in the log.", nameof(e));
        }

        try
        {
            if (_directory is not null)
            {
                var path = Path.Combine(_directory, FileNameFor(_events.Count, e.Id));
                _buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(_buffer))
                {
                    EventJsonCodec.Write(writer, e);
                }

                AtomicFile.Write(path, _buffer.WrittenSpan, flushToDisk: false);
            }
        }
        catch
        {
            _ids.Remove(e.Id);
            throw;
        }

        _events.Add(e);
    }

    public static string FileNameFor(int index, string id) => $"event-{index:D5}-{id}.json";

    /// <summary>Whether <paramref name="directory"/> holds at least one event file.</summary>
    public static bool HasEventFiles(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "event-*.json").Any(p => FileNamePattern().IsMatch(Path.GetFileName(p)));

    internal static ConversationEvent ReadFile(string path) =>
        TryReadFile(path, out var e, out var problem) ? e : throw new InvalidConversationException(path, problem, null);

    private static bool TryReadFile(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConversationEvent? e, out string problem)
    {
        try
        {
            e = EventJsonCodec.FromBytes(File.ReadAllBytes(path));
            problem = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            (e, problem) = (null, ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            (e, problem) = (null, "cannot be read: " + ex.Message);
            return false;
        }
    }

    [GeneratedRegex("^event-(\\d{5,})-([0-9a-fA-F\\-]{8,})\\.json$")]
    private static partial Regex FileNamePattern();
}
