using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Wire;

// The workspace routes of the agent server (/api/bash, /api/file, /api/git), in the Python agent-server's shapes.

/// <summary>The body of <c>POST /api/bash/start_bash_command</c> and <c>/execute_bash_command</c>, and a bash websocket frame.</summary>
internal sealed class ExecuteBashRequest
{
    /// <summary>Gets the command, run by <c>/bin/bash -c</c> (else <c>/bin/sh</c>) in the workspace root or <see cref="Cwd"/>.</summary>
    public string? Command { get; init; }

    /// <summary>Gets the working folder, relative to the workspace root or absolute inside it.</summary>
    public string? Cwd { get; init; }

    /// <summary>Gets the most seconds the command may run; then its whole process group is killed.</summary>
    public int? Timeout { get; init; }
}

/// <summary>
/// One bash event, discriminated by <c>kind</c>: <c>BashCommand</c> (command, cwd, timeout), <c>BashOutput</c>
/// (command_id, order, exit_code, stdout, stderr; exit_code <c>-1</c> after a timeout) or <c>BashError</c> (code, detail).
/// </summary>
internal sealed class BashEvent
{
    public const string CommandKind = "BashCommand";
    public const string OutputKind = "BashOutput";
    public const string ErrorKind = "BashError";

    public required string Kind { get; init; }

    public required Guid Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public string? Command { get; init; }

    public string? Cwd { get; init; }

    public int? Timeout { get; init; }

    public Guid? CommandId { get; init; }

    public int? Order { get; init; }

    public int? ExitCode { get; init; }

    public string? Stdout { get; init; }

    public string? Stderr { get; init; }

    public string? Code { get; init; }

    public string? Detail { get; init; }
}

/// <summary>A page of bash events: <c>{"items": [...], "next_page_id": …}</c>.</summary>
internal sealed class BashEventPage
{
    public required IReadOnlyList<BashEvent> Items { get; init; }

    public string? NextPageId { get; init; }
}

/// <summary>The answer of <c>DELETE /api/bash/bash_events</c>.</summary>
internal sealed class ClearBashEventsResponse
{
    public required int ClearedCount { get; init; }
}

/// <summary>A sub-folder in <c>GET /api/file/search_subdirs</c>.</summary>
internal sealed class SubdirectoryEntry
{
    public required string Name { get; init; }

    public required string Path { get; init; }
}

/// <summary>A page of sub-folders.</summary>
internal sealed class SubdirectoryPage
{
    public required IReadOnlyList<SubdirectoryEntry> Items { get; init; }

    public string? NextPageId { get; init; }
}

/// <summary>A place in the file browser's side bar.</summary>
internal sealed class FileBrowserEntry
{
    public required string Label { get; init; }

    public required string Path { get; init; }
}

/// <summary>The answer of <c>GET /api/file/home</c>: here the workspace root, its top folders, and the root as the one location.</summary>
internal sealed class HomeResponse
{
    public required string Home { get; init; }

    public required IReadOnlyList<FileBrowserEntry> Favorites { get; init; }

    public required IReadOnlyList<FileBrowserEntry> Locations { get; init; }
}

/// <summary>One changed file: <c>status</c> is <c>ADDED</c>, <c>DELETED</c>, <c>UPDATED</c> or <c>MOVED</c>; <c>path</c> is relative to the repository.</summary>
internal sealed class GitChange
{
    public required string Status { get; init; }

    public required string Path { get; init; }
}

/// <summary>A file before (<c>original</c>) and after (<c>modified</c>).</summary>
internal sealed class GitDiff
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Modified { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Original { get; init; }
}

/// <summary>One commit of <c>GET /api/git/commits</c>.</summary>
internal sealed class GitCommit
{
    public required string Sha { get; init; }

    public required string ShortSha { get; init; }

    public required string Subject { get; init; }

    public required string Author { get; init; }

    /// <summary>Gets the author date, ISO 8601 with its UTC offset.</summary>
    public required string Timestamp { get; init; }
}

/// <summary>The newest commits and whether the history holds more.</summary>
internal sealed class GitCommitsPage
{
    public required IReadOnlyList<GitCommit> Commits { get; init; }

    public required bool HasMore { get; init; }
}

/// <summary>The <c>archive_manifest.json</c> member of a <c>tar.gz</c> archive: what was captured.</summary>
internal sealed class ArchiveManifest
{
    public required string Format { get; init; }

    public required string Source { get; init; }

    public required long FileCount { get; init; }

    public required long TotalBytes { get; init; }

    public required IReadOnlyList<string> Excludes { get; init; }
}
