using System.Text.Json;
using System.Diagnostics.CodeAnalysis;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// A conversation's events: in memory, and, when persisted, appended through the conversation store's writer (the
/// file store writes one file per event, <c>events/event-NNNNN-&lt;id&gt;.json</c>, the Python layout, each once, atomically).
/// </summary>
/// <remarks>
/// Reading never fails on a damaged event: every readable event is kept in index order, also after a gap, and each
/// unreadable or missing event is reported in <see cref="Damage"/> (the Python SDK silently ends the log at a gap).
/// A damaged log is read-only: an append would land at an index that is already taken or that hides the gap.
/// Not thread-safe: the conversation serializes appends.
/// </remarks>
internal sealed partial class EventLog
{
    public const string FolderName = Conversation.EventsFolderName;

    private readonly IConversationWriter? _writer;
    private readonly List<ConversationEvent> _events = [];

    // The index, one entry per event in log order: its position by id, and its JSON as written or read (null in memory,
    // where it is written on demand). The bytes are never changed once stored, so a page is a copy of them.
    private readonly List<byte[]?> _json = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(4096);
    private string? _readOnlyReason;

    private EventLog(IConversationWriter? writer) => _writer = writer;

    public IReadOnlyList<ConversationEvent> Events => _events;

    public int Count => _events.Count;

    /// <summary>Gets the events that could not be read or are missing, in index order; empty for a healthy log.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; private set; } = [];

    public static EventLog InMemory() => new(null);

    /// <summary>The log of a new or restored conversation: <paramref name="events"/> as read, appends through <paramref name="writer"/>.</summary>
    /// <remarks>A second event with an id already in the log is skipped. With damage the log is read-only.</remarks>
    public static EventLog Restore(IConversationWriter? writer, IReadOnlyList<StoredEvent> events, IReadOnlyList<ConversationFileDamage> damage)
    {
        var log = new EventLog(writer);
        log._events.Capacity = events.Count;
        log._json.Capacity = events.Count;
        for (var i = 0; i < events.Count; i++)
        {
            log.Add(events[i].Event, events[i].Json);
        }

        log.Damage = damage;
        if (damage.Count > 0)
        {
            log.MakeReadOnly(string.Join("; ", damage));
        }

        return log;
    }

    /// <summary>
    /// Opens (and creates) an events folder and reads every event in index order, appending to the same folder. With
    /// <paramref name="now"/>, temp files of crashed writes older than <see cref="AtomicFile.LeftoverGracePeriod"/> before
    /// it are removed on the way.
    /// </summary>
    public static EventLog Open(string directory, DateTimeOffset? now = null)
    {
        AtomicFile.EnsureDirectory(directory);
        var (events, damage) = ReadFolder(directory, now);
        return Restore(new FileConversationWriter(null, directory), events, damage);
    }

    /// <summary>
    /// Reads every event file of an events folder in index order: the readable events, also after a gap, and each
    /// unreadable, duplicate or missing event file as damage (a folder that does not exist holds no events). With
    /// <paramref name="now"/>, temp files of crashed writes are removed on the way.
    /// </summary>
    internal static (List<StoredEvent> Events, List<ConversationFileDamage> Damage) ReadFolder(string directory, DateTimeOffset? now)
    {
        // One pass over the folder; nothing is allocated per event file but its name and index (the id and the relative
        // path only for a damage report), so the scan costs little next to the reads.
        var files = new List<EventFile>();
        if (Directory.Exists(directory))
        {
            EventJsonCodec.PrepareInBackground();
            foreach (var path in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(path);
                if (TryParseFileName(name, out var index, out _))
                {
                    files.Add(new EventFile(index, name));
                }
                else if (now is { } sweepAt)
                {
                    AtomicFile.TryRemoveLeftover(path, sweepAt);
                }
            }
        }

        SortByIndex(files);
        var events = new List<StoredEvent>(files.Count);
        var reads = ReadAll(directory, files);

        var damage = new List<ConversationFileDamage>();
        var expected = 0;
        for (var f = 0; f < files.Count; f++)
        {
            var (index, name) = files[f];
            if (IsDuplicate(files, f))
            {
                damage.Add(new ConversationFileDamage($"{FolderName}/{name}", ConversationFileDamageKind.Unreadable,
                    $"another file ({files[f - 1].Name}) has the same index {index}; this one is not read") { EventIndex = index, EventId = IdOf(name) });
                continue;
            }

            if (index > expected)
            {
                damage.Add(Gap(expected, index - 1));
            }

            expected = index + 1;
            if (reads[f] is { Event: { } e, Bytes: { } bytes })
            {
                events.Add(new StoredEvent(e, bytes));
            }
            else
            {
                damage.Add(new ConversationFileDamage($"{FolderName}/{name}", ConversationFileDamageKind.Unreadable, reads[f].Problem) { EventIndex = index, EventId = IdOf(name) });
            }
        }

        return (events, damage);
    }

    /// <summary>
    /// Sorts event files by index, then name. A healthy log's indices are distinct and dense, so each file goes straight
    /// to its place (no comparisons, and no sort code to compile in a fresh process); duplicates or sparse indices take a sort.
    /// </summary>
    private static void SortByIndex(List<EventFile> files)
    {
        var slots = new EventFile?[files.Count];
        foreach (var file in files)
        {
            if (file.Index >= slots.Length || slots[file.Index] is not null)
            {
                files.Sort(static (a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : string.CompareOrdinal(a.Name, b.Name));
                return;
            }

            slots[file.Index] = file;
        }

        for (var i = 0; i < slots.Length; i++)
        {
            files[i] = slots[i]!;
        }
    }

    /// <summary>An event file's index and name (a class: a list of them shares the list code that is compiled already).</summary>
    private sealed record EventFile(int Index, string Name);

    /// <summary>Whether file <paramref name="f"/> has the index of the file before it (only the first of them is read).</summary>
    private static bool IsDuplicate(List<EventFile> files, int f) => f > 0 && files[f - 1].Index == files[f].Index;

    /// <summary>
    /// Reads and parses every event file but the duplicates; the results keep the files' order. With enough files for it
    /// to pay, all cores parse (each file is parsed on its own), in steps shaped by a fresh process, where the first event
    /// of a kind costs more than hundreds of others (its contract and converters are built): this thread reads every file
    /// and notes the first file of each kind (meanwhile <see cref="EventJsonCodec.PrepareInBackground"/> builds what all
    /// kinds share on another core); then the first files of the kinds are parsed, one kind per worker; then the rest.
    /// </summary>
    private static FileRead[] ReadAll(string directory, List<EventFile> files)
    {
        var reads = new FileRead[files.Count];
        if (files.Count < ParallelReadThreshold || Environment.ProcessorCount < 2)
        {
            for (var f = 0; f < files.Count; f++)
            {
                if (!IsDuplicate(files, f))
                {
                    reads[f] = TryReadBytes(Path.Combine(directory, files[f].Name), out var bytes, out var problem) ? Parse(bytes) : new FileRead(null, null, problem);
                }
            }

            return reads;
        }

        var contents = new byte[]?[files.Count];
        var firstOfKind = new List<int>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var kinds = new List<byte[]>();
        for (var f = 0; f < files.Count; f++)
        {
            if (IsDuplicate(files, f))
            {
                continue;
            }

            if (!TryReadBytes(Path.Combine(directory, files[f].Name), out contents[f], out var problem))
            {
                reads[f] = new FileRead(null, null, problem);
            }
            else if (IsNewKind(kinds, EventJsonCodec.KindAtEnd(contents[f])))
            {
                firstOfKind.Add(f);
            }
        }

        Parallel.For(0, firstOfKind.Count, parallel, k => ParseContents(firstOfKind[k]));
        Parallel.For(0, files.Count, parallel, ParseContents);
        return reads;

        void ParseContents(int f)
        {
            if (contents[f] is { } bytes)
            {
                reads[f] = Parse(bytes);
                contents[f] = null;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="kind"/> (a trailing kind's UTF-8 text) is not in <paramref name="kinds"/> yet, which then
    /// holds it; an empty one (the kind is not at the end) is always new. Compares bytes, so that the reading thread
    /// never waits for the codec's preparation on another thread (it would, to look the kind's type up).
    /// </summary>
    private static bool IsNewKind(List<byte[]> kinds, ReadOnlySpan<byte> kind)
    {
        if (kind.IsEmpty)
        {
            return true;
        }

        foreach (var known in kinds)
        {
            if (kind.SequenceEqual(known))
            {
                return false;
            }
        }

        kinds.Add(kind.ToArray());
        return true;
    }

    /// <summary>An event file's bytes, or (false) why they cannot be read.</summary>
    private static bool TryReadBytes(string path, [NotNullWhen(true)] out byte[]? bytes, out string problem)
    {
        try
        {
            (bytes, problem) = (File.ReadAllBytes(path), string.Empty);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            (bytes, problem) = (null, "cannot be read: " + ex.Message);
            return false;
        }
    }

    /// <summary>One event file's bytes parsed: the event, or what is wrong with it.</summary>
    private static FileRead Parse(byte[] bytes)
    {
        try
        {
            return new FileRead(EventJsonCodec.FromBytes(bytes), bytes, string.Empty);
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            return new FileRead(null, null, ex.Message);
        }
    }

    /// <summary>Below this many event files a log is read on the calling thread (starting workers would cost more).</summary>
    private const int ParallelReadThreshold = 64;

    /// <summary>One event file as read: the event and its bytes, or what is wrong with it.</summary>
    private readonly record struct FileRead(ConversationEvent? Event, byte[]? Bytes, string Problem);

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
                $"The event log of '{_writer?.Directory}' is read-only because the conversation is damaged ({reason}). Nothing was written.");
        }

        if (_positions.ContainsKey(e.Id))
        {
            throw new ArgumentException($"Event with id '{e.Id}' already exists in the log.", nameof(e));
        }

        byte[]? json = null;
        if (_writer is not null)
        {
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer))
            {
                EventJsonCodec.Write(writer, e);
            }

            _writer.AppendEvent(_events.Count, e, _buffer.WrittenSpan);
            json = _buffer.WrittenSpan.ToArray();
        }

        Add(e, json);
    }

    /// <summary>Adds a read or written event to the list and the index; a second event with a known id is skipped.</summary>
    private void Add(ConversationEvent e, byte[]? json)
    {
        if (_positions.TryAdd(e.Id, _events.Count))
        {
            _events.Add(e);
            _json.Add(json);
        }
    }

    public static string FileNameFor(int index, string id) => $"event-{index:D5}-{id}.json";

    /// <summary>Whether <paramref name="directory"/> holds at least one event file.</summary>
    public static bool HasEventFiles(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "event-*.json").Any(p => TryParseFileName(Path.GetFileName(p), out _, out _));

    /// <summary>
    /// Whether <paramref name="name"/> is an event file name, <c>event-NNNNN-&lt;id&gt;.json</c>: at least five ASCII digits
    /// (the index, at most <see cref="int.MaxValue"/>), then an id of at least eight hex digits and dashes. Allocates nothing.
    /// </summary>
    /// <remarks>
    /// Plain loops on purpose: a restore runs this once per event file, in a fresh process before anything else has, and the
    /// general parsers and searchers cost more to get going (about 10 ms for the first 1,000 names) than the names take.
    /// </remarks>
    internal static bool TryParseFileName(ReadOnlySpan<char> name, out int index, out Range id)
    {
        (index, id) = (0, default);
        const string Prefix = "event-", Suffix = ".json";
        if (name.Length <= Prefix.Length + Suffix.Length || !name.StartsWith(Prefix) || !name.EndsWith(Suffix))
        {
            return false;
        }

        var at = Prefix.Length;
        long value = 0;
        while (at < name.Length && char.IsAsciiDigit(name[at]) && value <= int.MaxValue)
        {
            value = (value * 10) + (name[at++] - '0');
        }

        var digits = at - Prefix.Length;
        if (digits < 5 || value > int.MaxValue || name[at] != '-')
        {
            return false;
        }

        var start = at + 1;
        var end = name.Length - Suffix.Length;
        if (end - start < 8)
        {
            return false;
        }

        for (var i = start; i < end; i++)
        {
            if (!char.IsAsciiHexDigit(name[i]) && name[i] != '-')
            {
                return false;
            }
        }

        (index, id) = ((int)value, new Range(start, end));
        return true;
    }

    /// <summary>The event id in an event file name (for a damage report).</summary>
    private static string IdOf(string name) => TryParseFileName(name, out _, out var id) ? name[id] : string.Empty;
}
