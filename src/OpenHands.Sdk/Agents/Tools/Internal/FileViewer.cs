using System.Globalization;
using System.Text;
using static OpenHands.Sdk.Agents.Tools.Internal.FileEditorResults;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>The <c>view</c> command of the <c>file_editor</c> tool: a file's numbered lines, or a folder two levels deep.</summary>
internal static class FileViewer
{
    public const int MaxViewLength = 16_000;

    public static ToolResult View(string path, IReadOnlyList<int>? viewRange)
    {
        if (Directory.Exists(path))
        {
            return viewRange is null
                ? Success("view", path, ListDirectory(path))
                : Failure("view", path, "The parameter 'view_range' only applies to files, and the path is a folder.");
        }

        if (!File.Exists(path))
        {
            return Failure("view", path, $"The path {path} does not exist.");
        }

        var file = TextFile.Read(path, out var error);
        if (file is null)
        {
            return Failure("view", path, error!);
        }

        var lines = TextFile.Lines(file.Content);
        if (lines.Length == 0)
        {
            return Success("view", path, $"The file {path} is empty.");
        }

        var (start, end, note) = (1, lines.Length, string.Empty);
        if (viewRange is not null)
        {
            if (viewRange.Count != 2)
            {
                return Failure("view", path, "The parameter 'view_range' must be two line numbers: [first, last].");
            }

            (start, end) = (viewRange[0], viewRange[1]);
            if (start < 1 || start > lines.Length)
            {
                return Failure("view", path, string.Create(CultureInfo.InvariantCulture,
                    $"The first line of 'view_range' must be between 1 and {lines.Length} (the file has {lines.Length} lines), not {start}."));
            }

            if (end == -1)
            {
                end = lines.Length;
            }
            else if (end > lines.Length)
            {
                note = string.Create(CultureInfo.InvariantCulture, $"(The file has only {lines.Length} lines, so lines {start}-{lines.Length} are shown.)\n");
                end = lines.Length;
            }
            else if (end < start)
            {
                return Failure("view", path, string.Create(CultureInfo.InvariantCulture,
                    $"The last line of 'view_range' ({end}) must not be before its first line ({start}); use -1 for the end of the file."));
            }
        }

        var body = TextTruncation.Truncate(TextFile.Numbered(lines[(start - 1)..end], start), MaxViewLength);
        return Success("view", path, string.Create(CultureInfo.InvariantCulture,
            $"{note}Lines {start}-{end} of {path} ({lines.Length} lines), numbered like `cat -n`:\n{body}"));
    }

    private static string ListDirectory(string root)
    {
        static bool Visible(FileSystemInfo info) => !info.Name.StartsWith('.');
        static string Show(FileSystemInfo info) => info is DirectoryInfo ? info.FullName + "/" : info.FullName;
        static IEnumerable<FileSystemInfo> Children(DirectoryInfo dir) =>
            dir.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal);

        var rootInfo = new DirectoryInfo(root);
        var lines = new List<string> { Path.TrimEndingDirectorySeparator(rootInfo.FullName) + "/" };
        var hidden = 0;
        foreach (var child in Children(rootInfo))
        {
            if (!Visible(child))
            {
                hidden++;
                continue;
            }

            lines.Add(Show(child));
            if (child is DirectoryInfo subfolder && subfolder.LinkTarget is null)
            {
                try
                {
                    lines.AddRange(Children(subfolder).Where(Visible).Select(Show));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    lines.Add($"{subfolder.FullName}/ (not readable: {e.Message})");
                }
            }
        }

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Files and folders in {root}, up to 2 levels deep, hidden items excluded:\n")
            .AppendJoin('\n', lines)
            .Append('\n');
        if (hidden > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"({hidden} hidden item(s) in {root} not shown; list them with `ls -la` in the terminal.)\n");
        }

        return TextTruncation.Truncate(text.ToString(), MaxViewLength);
    }
}
