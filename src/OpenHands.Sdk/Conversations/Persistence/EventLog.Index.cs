using OpenHands.Sdk.Conversations.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// Searches, counts and lookups answered from the log's index (positions by id, and each event's JSON as written or
/// read): a page costs the events it returns, copied as stored, never a pass that serializes or parses the others.
/// </summary>
internal sealed partial class EventLog
{
    /// <summary>How many events <paramref name="filter"/> takes: the count itself without a filter, one pass over the list with one.</summary>
    public int CountMatching(EventFilter filter)
    {
        if (filter.TakesAll)
        {
            return _events.Count;
        }

        var count = 0;
        foreach (var e in _events)
        {
            count += filter.Matches(e) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// The JSON of the events <paramref name="filter"/> takes, skipping the first <paramref name="offset"/> and taking up to
    /// <paramref name="limit"/>, in log order or (<paramref name="descending"/>) its reverse; and whether more follow.
    /// </summary>
    /// <remarks>Without a filter the page is a range of positions; with one, the scan stops at the first match after the page.</remarks>
    public (List<byte[]> Items, bool More) Page(EventFilter filter, bool descending, int offset, int limit)
    {
        var items = new List<byte[]>(Math.Min(limit, _events.Count));
        if (filter.TakesAll)
        {
            var end = Math.Min(_events.Count, offset + (long)limit);
            for (var n = offset; n < end; n++)
            {
                items.Add(JsonAt(descending ? _events.Count - 1 - n : n));
            }

            return (items, offset + (long)limit < _events.Count);
        }

        var skipped = 0;
        for (var n = 0; n < _events.Count; n++)
        {
            var position = descending ? _events.Count - 1 - n : n;
            if (!filter.Matches(_events[position]))
            {
                continue;
            }

            if (skipped < offset)
            {
                skipped++;
            }
            else if (items.Count < limit)
            {
                items.Add(JsonAt(position));
            }
            else
            {
                return (items, true);
            }
        }

        return (items, false);
    }

    /// <summary>The JSON of the event with id <paramref name="id"/>, or <see langword="null"/> when the log has none.</summary>
    public byte[]? JsonOf(string id) => _positions.TryGetValue(id, out var position) ? JsonAt(position) : null;

    /// <summary>An event's stored JSON; an in-memory log (which stores none) writes it now.</summary>
    private byte[] JsonAt(int position) => _json[position] ?? EventJsonCodec.ToBytes(_events[position]);
}
