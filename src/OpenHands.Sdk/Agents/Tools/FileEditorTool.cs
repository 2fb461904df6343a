using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;
using static OpenHands.Sdk.Agents.Tools.Internal.FileEditorResults;

namespace OpenHands.Sdk.Agents.Tools;

/// <summary>
/// The <c>file_editor</c> tool: views, creates and edits UTF-8 text files in the conversation's working directory
/// with the commands <c>view</c>, <c>create</c>, <c>str_replace</c>, <c>insert</c> and <c>undo_edit</c>
/// (observation kind <c>FileEditorObservation</c>).
/// </summary>
/// <remarks>
/// <para>
/// Paths may be absolute or relative to the working directory, and must stay inside it (symbolic links are
/// followed for that check): anything else is an error result. Files are replaced atomically (temp file + rename)
/// and keep their permissions.
/// </para>
/// <para>
/// <c>undo_edit</c> restores the content a file had before the last <c>create</c>, <c>str_replace</c>,
/// <c>insert</c> or <c>undo_edit</c> this instance made to it (undoing a <c>create</c> deletes the file). The
/// history lives in this instance only, keeps 10 versions per file, and is not persisted. Thread-safe.
/// </para>
/// </remarks>
public sealed class FileEditorTool : ToolBase
{
    /// <summary>The name the model calls this tool by.</summary>
    public const string ToolName = "file_editor";

    /// <summary>The <c>kind</c> of this tool's observations.</summary>
    public const string ObservationKindName = "FileEditorObservation";

    private const int MaxViewLength = FileViewer.MaxViewLength;
    private const int MaxHistoryPerFile = 10;
    private const int SnippetContext = 4;

    private static readonly string[] Commands = ["view", "create", "str_replace", "insert", "undo_edit"];

    private static readonly JsonElement Schema = ToolSchema.Object(
        ["command", "path"],
        ("command", ToolSchema.String(
            "What to do: `view` a file or folder, `create` a new file, `str_replace` one exact piece of text, `insert` text after a line, or `undo_edit` the last change to a file.",
            Commands)),
        ("path", ToolSchema.String(
            "The file or folder, as an absolute path or relative to the working directory. It must be inside the working directory.")),
        ("file_text", ToolSchema.String("For `create`: the whole content of the new file.")),
        ("old_str", ToolSchema.String(
            "For `str_replace`: the exact text to replace, including whitespace and indentation. It must occur exactly once in the file.")),
        ("new_str", ToolSchema.String(
            "For `str_replace`: the replacement text (empty or omitted deletes `old_str`). For `insert`: the text to insert.")),
        ("insert_line", ToolSchema.Integer(
            "For `insert`: the line after which `new_str` is inserted; 0 inserts at the top of the file.")),
        ("view_range", ToolSchema.IntegerArray(
            "For `view` of a file: the first and last line to show, counting from 1, for example [10, 40]. Use -1 as the last line to show the rest of the file. Omit it to show the whole file.")));

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<string?>> _history =
        new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="FileEditorTool"/> class with an empty undo history.</summary>
    public FileEditorTool()
    {
    }

    /// <inheritdoc/>
    public override string Name => ToolName;

    /// <inheritdoc/>
    public override string Description =>
        """
        Views, creates and edits plain-text files in the working directory of this conversation.

        * `view` on a file shows its lines numbered like `cat -n` (use `view_range` for part of a long file); on a folder it lists the files and folders up to 2 levels deep, without hidden ones.
        * `create` writes a new file (missing parent folders are created). It fails when the path already exists: edit existing files with `str_replace` or `insert`.
        * `str_replace` replaces `old_str` with `new_str`. `old_str` must match the file exactly, whitespace and indentation included, and occur exactly once: include a few lines of surrounding context to make it unique. Nothing changes when it occurs zero or several times.
        * `insert` adds `new_str` after line `insert_line` (0 = at the top).
        * `undo_edit` puts back the content a file had before your last change to it (undoing `create` deletes the file).
        * Paths are absolute or relative to the working directory and must stay inside it. Long output is shortened: view smaller ranges then.

        View a file before editing it, and keep it valid after every edit.
        """;

    /// <inheritdoc/>
    public override JsonElement ParametersSchema => Schema;

    /// <inheritdoc/>
    public override string ObservationKind => ObservationKindName;

    /// <inheritdoc/>
    protected override Task<ToolResult> ExecuteCoreAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var arguments = new ToolArguments(ToolName, toolCall.Arguments);
        var command = arguments.String("command", required: true);
        var path = arguments.String("path", required: true);
        var fileText = arguments.String("file_text");
        var oldStr = arguments.String("old_str");
        var newStr = arguments.String("new_str");
        var insertLine = arguments.Integer("insert_line");
        var viewRange = arguments.IntegerList("view_range");
        if (arguments.Error is not null)
        {
            return Task.FromResult(Failure(command, path, arguments.Error));
        }

        if (!Commands.Contains(command, StringComparer.Ordinal))
        {
            return Task.FromResult(Failure(command, path,
                $"Unknown command '{command}'. Use one of: {string.Join(", ", Commands)}."));
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            return Task.FromResult(Failure(command, path, "The parameter 'path' is empty."));
        }

        var full = WorkspacePath.Resolve(path, context.WorkingDirectory, out var pathError);
        if (full is null)
        {
            return Task.FromResult(Failure(command, path, pathError!));
        }

        try
        {
            lock (_lock)
            {
                var result = command switch
                {
                    "view" => FileViewer.View(full, viewRange),
                    "create" => Create(full, fileText),
                    "str_replace" => StrReplace(full, oldStr, newStr),
                    "insert" => Insert(full, insertLine, newStr),
                    _ => Undo(full),
                };
                return Task.FromResult(result);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(Failure(command, full, $"Could not {command} {full}: {e.Message}"));
        }
    }

    private ToolResult Create(string path, string? fileText)
    {
        if (fileText is null)
        {
            return Failure("create", path, "The command 'create' needs the parameter 'file_text' with the content of the new file.");
        }

        if (File.Exists(path) || Directory.Exists(path))
        {
            return Failure("create", path,
                $"The path {path} already exists; 'create' never overwrites. Use 'str_replace' or 'insert' to change an existing file.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TextFile.Write(path, fileText, byteOrderMark: false);
        Remember(path, null);
        var lineCount = TextFile.Lines(fileText).Length;
        return Success("create", path, string.Create(CultureInfo.InvariantCulture, $"Created {path} ({lineCount} lines)."),
            prevExist: false, oldContent: null, newContent: fileText);
    }

    private ToolResult StrReplace(string path, string? oldStr, string? newStr)
    {
        if (!TryReadExisting("str_replace", path, out var file, out var failure))
        {
            return failure;
        }

        if (string.IsNullOrEmpty(oldStr))
        {
            return Failure("str_replace", path, "The command 'str_replace' needs a non-empty 'old_str': the exact text to replace.");
        }

        newStr ??= string.Empty;
        if (newStr == oldStr)
        {
            return Failure("str_replace", path, "'old_str' and 'new_str' are identical, so there is nothing to replace.");
        }

        var content = file.Content;
        var matches = FindAll(content, oldStr);
        if (matches.Count == 0 && oldStr.Trim() is { Length: > 0 } trimmed && trimmed != oldStr)
        {
            // Models often add or drop surrounding blank lines or spaces; retry on the trimmed text.
            matches = FindAll(content, trimmed);
            if (matches.Count > 0)
            {
                (oldStr, newStr) = (trimmed, newStr.Trim());
            }
        }

        if (matches.Count == 0)
        {
            return Failure("str_replace", path,
                $"No replacement was made: 'old_str' does not occur in {path} (0 occurrences). It must match the file exactly, whitespace and indentation included; view the file to copy the text.");
        }

        if (matches.Count > 1)
        {
            var lineNumbers = string.Join(", ", matches.Select(m => LineOf(content, m)).Distinct());
            return Failure("str_replace", path, string.Create(CultureInfo.InvariantCulture,
                $"No replacement was made: 'old_str' occurs {matches.Count} times in {path} (lines {lineNumbers}). Include more surrounding lines so that it occurs exactly once."));
        }

        var index = matches[0];
        var updated = string.Concat(content.AsSpan(0, index), newStr, content.AsSpan(index + oldStr.Length));
        TextFile.Write(path, updated, file.HasByteOrderMark);
        Remember(path, content);

        var firstLine = LineOf(content, index);
        var snippet = Snippet(updated, firstLine - SnippetContext, firstLine + SnippetContext + newStr.Count(c => c == '\n'));
        return Success("str_replace", path, $"Edited {path}. {snippet}Check that the change is what you meant; edit again if not.",
            prevExist: true, oldContent: content, newContent: updated);
    }

    private ToolResult Insert(string path, int? insertLine, string? newStr)
    {
        if (!TryReadExisting("insert", path, out var file, out var failure))
        {
            return failure;
        }

        if (insertLine is null || newStr is null)
        {
            return Failure("insert", path, "The command 'insert' needs 'insert_line' (the line to insert after; 0 for the top) and 'new_str' (the text).");
        }

        var content = file.Content;
        var lineCount = TextFile.Lines(content).Length;
        if (insertLine < 0 || insertLine > lineCount)
        {
            return Failure("insert", path, string.Create(CultureInfo.InvariantCulture,
                $"'insert_line' must be between 0 and {lineCount} (the file has {lineCount} lines), not {insertLine}."));
        }

        var newline = content.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var insertedLines = TextFile.Lines(newStr.Length == 0 ? "\n" : newStr);
        var offset = OffsetOfLine(content, insertLine.Value);
        var before = content[..offset];
        if (before.Length > 0 && !before.EndsWith('\n'))
        {
            // Inserting after a last line that has no line break: end that line first.
            before += newline;
        }

        var updated = before + string.Concat(insertedLines.Select(l => l + newline)) + content[offset..];
        TextFile.Write(path, updated, file.HasByteOrderMark);
        Remember(path, content);

        var snippet = Snippet(updated, insertLine.Value + 1 - SnippetContext, insertLine.Value + insertedLines.Length + SnippetContext);
        return Success("insert", path, $"Inserted {insertedLines.Length} line(s) into {path}. {snippet}Check indentation and that no line is duplicated; edit again if needed.",
            prevExist: true, oldContent: content, newContent: updated);
    }

    private ToolResult Undo(string path)
    {
        if (Directory.Exists(path))
        {
            return Failure("undo_edit", path, $"The path {path} is a folder; 'undo_edit' works on files.");
        }

        if (!_history.TryGetValue(path, out var versions) || versions.Count == 0)
        {
            return Failure("undo_edit", path, $"There is no earlier version of {path} to go back to: this tool has not changed it (or every change was already undone).");
        }

        var previous = versions[^1];
        versions.RemoveAt(versions.Count - 1);
        var current = File.Exists(path) ? File.ReadAllText(path) : null;
        if (previous is null)
        {
            File.Delete(path);
            return Success("undo_edit", path, $"Undid the creation of {path}: the file was deleted.", prevExist: true, oldContent: current, newContent: null);
        }

        var bom = File.Exists(path) && TextFile.Read(path, out _) is { HasByteOrderMark: true };
        TextFile.Write(path, previous, bom);
        var lines = TextFile.Lines(previous);
        var body = lines.Length == 0 ? "(the file is now empty)\n" : TextTruncation.Truncate(TextFile.Numbered(lines, 1), MaxViewLength);
        return Success("undo_edit", path, $"Undid the last edit of {path}. Its content is now:\n{body}",
            prevExist: true, oldContent: current, newContent: previous);
    }

    private static bool TryReadExisting(string command, string path, out TextFile file, out ToolResult failure)
    {
        file = null!;
        failure = null!;
        if (Directory.Exists(path))
        {
            failure = Failure(command, path, $"The path {path} is a folder; '{command}' works on files (only 'view' works on folders).");
            return false;
        }

        if (!File.Exists(path))
        {
            failure = Failure(command, path, $"The file {path} does not exist. Create it with 'create'.");
            return false;
        }

        var read = TextFile.Read(path, out var error);
        if (read is null)
        {
            failure = Failure(command, path, error!);
            return false;
        }

        file = read;
        return true;
    }

    private void Remember(string path, string? previousContent)
    {
        if (!_history.TryGetValue(path, out var versions))
        {
            _history[path] = versions = [];
        }

        versions.Add(previousContent);
        if (versions.Count > MaxHistoryPerFile)
        {
            versions.RemoveAt(0);
        }
    }

    private static List<int> FindAll(string content, string value)
    {
        var matches = new List<int>();
        for (var index = content.IndexOf(value, StringComparison.Ordinal); index >= 0;
             index = content.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            matches.Add(index);
        }

        return matches;
    }

    private static int LineOf(string content, int index) => content.AsSpan(0, index).Count('\n') + 1;

    private static int OffsetOfLine(string content, int lineNumber)
    {
        var offset = 0;
        for (var line = 0; line < lineNumber; line++)
        {
            var next = content.IndexOf('\n', offset);
            if (next < 0)
            {
                return content.Length;
            }

            offset = next + 1;
        }

        return offset;
    }

    private static string Snippet(string content, int firstLine, int lastLine)
    {
        var lines = TextFile.Lines(content);
        if (lines.Length == 0)
        {
            return "The file is now empty. ";
        }

        firstLine = Math.Clamp(firstLine, 1, lines.Length);
        lastLine = Math.Clamp(lastLine, firstLine, lines.Length);
        var body = TextTruncation.Truncate(TextFile.Numbered(lines[(firstLine - 1)..lastLine], firstLine), MaxViewLength);
        return string.Create(CultureInfo.InvariantCulture, $"Lines {firstLine}-{lastLine} now read:\n{body}");
    }
}
