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
/// <remarks>Not thread-safe: the conversation serializes appends.</remarks>
internal sealed partial class EventLog
{
    private readonly string? _directory;
    private readonly List<ConversationEvent> _events = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(4096);

    private EventLog(string? directory) => _directory = directory;

    public IReadOnlyList<ConversationEvent> Events => _events;

    public int Count => _events.Count;

    public static EventLog InMemory() => new(null);

    /// <summary>Opens (and creates) an events folder and reads every event in index order.</summary>
    /// <exception cref="InvalidConversationException">An event file is corrupt.</exception>
    public static EventLog Open(string directory)
    {
        AtomicFile.EnsureDirectory(directory);
        var log = new EventLog(directory);
        var files = new SortedDictionary<int, string>();
        foreach (var path in Directory.EnumerateFiles(directory, "event-*.json"))
        {
            var match = FileNamePattern().Match(Path.GetFileName(path));
            if (match.Success && int.TryParse(match.Groups[1].Value, out var index))
            {
                files.TryAdd(index, path);
            }
        }

        // Only the contiguous prefix from index 0 is the log (as in the Python SDK): a gap ends it.
        for (var i = 0; files.TryGetValue(i, out var path); i++)
        {
            var e = ReadFile(path);
            if (log._ids.Add(e.Id))
            {
                log._events.Add(e);
            }
        }

        return log;
    }

    /// <summary>Appends an event: writes its file (when persisted), then adds it to the list.</summary>
    /// <exception cref="ArgumentException">An event with the same id is already in the log.</exception>
    public void Append(ConversationEvent e)
    {
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

    internal static ConversationEvent ReadFile(string path)
    {
        try
        {
            return EventJsonCodec.FromBytes(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            throw new InvalidConversationException(path, ex.Message, ex);
        }
    }

    [GeneratedRegex("^event-(\\d{5,})-([0-9a-fA-F\\-]{8,})\\.json$")]
    private static partial Regex FileNamePattern();
}
