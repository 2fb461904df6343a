using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The bash events on disk, one JSON file per event named as the Python agent-server names them:
/// <c>&lt;yyyyMMddHHmmssffffff&gt;_&lt;kind&gt;[_&lt;command id&gt;]_&lt;event id&gt;</c> (ids as 32 hex digits), so that a name
/// sorts by time and the Python server reads the same folder. Each file is written atomically.
/// </summary>
internal sealed partial class BashEventStore(string directory, ILogger logger)
{
    private readonly Lock _lock = new();

    public string Directory { get; } = directory;

    public void Save(BashEvent e)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(e, WireJson.Contract<BashEvent>());
        lock (_lock)
        {
            AtomicFile.EnsureDirectory(Directory);
            AtomicFile.Write(Path.Combine(Directory, FileName(e)), bytes, flushToDisk: false);
        }
    }

    public BashEvent? Get(string id)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            return null;
        }

        var suffix = "_" + guid.ToString("N");
        return Names().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal)) is { } name ? Load(name) : null;
    }

    /// <summary>Searches as the Python server does: by kind, command, time window and order, sorted by time, paged by file name.</summary>
    public BashEventPage Search(BashEventQuery query)
    {
        var gte = query.TimestampGte is { } from ? Stamp(from) : null;
        var lt = query.TimestampLt is { } to ? Stamp(to) : null;
        var command = query.CommandId?.ToString("N");
        var matched = new List<string>();
        foreach (var name in Names())
        {
            if ((gte is not null && string.CompareOrdinal(name, gte) < 0) || (lt is not null && string.CompareOrdinal(name, lt) >= 0))
            {
                continue;
            }

            var parts = name.Split('_');
            if ((query.Kind is not null && (parts.Length < 2 || parts[1] != query.Kind))
                || (command is not null && (parts.Length < 4 || parts[2] != command)))
            {
                continue;
            }

            matched.Add(name);
        }

        matched.Sort(StringComparer.Ordinal);
        if (query.Descending)
        {
            matched.Reverse();
        }

        var start = query.PageId is { } pageId && matched.IndexOf(pageId) is >= 0 and var index ? index : 0;
        var items = new List<BashEvent>();
        foreach (var name in matched.Skip(start).Take(query.Limit))
        {
            if (Load(name) is { } e && (query.OrderGt is not { } order || e.Order is not { } o || o > order))
            {
                items.Add(e);
            }
        }

        return new BashEventPage { Items = items, NextPageId = start + query.Limit < matched.Count ? matched[start + query.Limit] : null };
    }

    /// <summary>Removes every event file.</summary>
    /// <returns>How many were removed.</returns>
    public int Clear()
    {
        var count = 0;
        lock (_lock)
        {
            foreach (var name in Names())
            {
                try
                {
                    File.Delete(Path.Combine(Directory, name));
                    count++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LogNotRemoved(logger, name, e);
                }
            }
        }

        return count;
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture);

    private static string FileName(BashEvent e) => e.CommandId is { } command
        ? $"{Stamp(e.Timestamp)}_{e.Kind}_{command:N}_{e.Id:N}"
        : $"{Stamp(e.Timestamp)}_{e.Kind}_{e.Id:N}";

    private List<string> Names()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName).OfType<string>().Where(n => !AtomicFile.IsTempFile(n)).ToList();
    }

    private BashEvent? Load(string name)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(Directory, name)), WireJson.Contract<BashEvent>());
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, name, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bash event file {Name} cannot be read; it is skipped")]
    private static partial void LogUnreadable(ILogger logger, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bash event file {Name} cannot be removed")]
    private static partial void LogNotRemoved(ILogger logger, string name, Exception exception);
}

/// <summary>The filters of <c>GET /api/bash/bash_events/search</c>.</summary>
internal sealed record BashEventQuery(
    string? Kind = null, Guid? CommandId = null, DateTimeOffset? TimestampGte = null, DateTimeOffset? TimestampLt = null,
    int? OrderGt = null, bool Descending = false, string? PageId = null, int Limit = 100);
