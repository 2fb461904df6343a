using System.Text;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>
/// Collects a process's output in bounded memory: the first half of the budget is kept as it arrives, and only
/// the latest characters are kept for the second half, so an endless producer cannot exhaust memory.
/// </summary>
/// <remarks>Thread-safe: stdout and stderr readers append concurrently.</remarks>
internal sealed class BoundedOutput
{
    private readonly Lock _lock = new();
    private readonly int _headLimit;
    private readonly int _tailLimit;
    private readonly StringBuilder _head = new();
    private readonly StringBuilder _tail = new();
    private long _total;

    public BoundedOutput(int maxLength)
    {
        _headLimit = maxLength / 2;
        _tailLimit = maxLength - _headLimit;
    }

    public void Append(ReadOnlySpan<char> chunk)
    {
        lock (_lock)
        {
            _total += chunk.Length;
            if (_head.Length < _headLimit)
            {
                var take = Math.Min(chunk.Length, _headLimit - _head.Length);
                _head.Append(chunk[..take]);
                chunk = chunk[take..];
            }

            if (chunk.IsEmpty)
            {
                return;
            }

            _tail.Append(chunk);
            if (_tail.Length > 2 * _tailLimit)
            {
                _tail.Remove(0, _tail.Length - _tailLimit);
            }
        }
    }

    /// <summary>Gets the kept output, with a marker where characters were left out.</summary>
    public string Render()
    {
        lock (_lock)
        {
            var head = _head.ToString();
            var tail = _tail.ToString();
            if (_total == head.Length + tail.Length)
            {
                return head + tail;
            }

            // Characters were dropped from the front of the tail: keep the newest _tailLimit of them, never starting
            // or ending on half of a surrogate pair.
            var tailStart = TextTruncation.SafeCut(tail, Math.Max(0, tail.Length - _tailLimit));
            while (tailStart < tail.Length && char.IsLowSurrogate(tail[tailStart]))
            {
                tailStart++;
            }

            var keptTail = tail[tailStart..];
            var headCut = head.Length > 0 && char.IsHighSurrogate(head[^1]) ? head.Length - 1 : head.Length;
            return string.Concat(head.AsSpan(0, headCut), TextTruncation.Marker(_total - headCut - keptTail.Length), keptTail);
        }
    }
}
