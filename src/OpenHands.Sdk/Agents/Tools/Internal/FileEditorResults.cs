using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>The results of the <c>file_editor</c> tool with their observation fields (the Python tool's names).</summary>
internal static class FileEditorResults
{
    private const int MaxContentFieldLength = 100_000;

    public static ToolResult Success(string command, string path, string text, bool prevExist = true, string? oldContent = null, string? newContent = null) =>
        new(text) { Fields = Fields(command, path, prevExist, oldContent, newContent) };

    public static ToolResult Failure(string? command, string? path, string text) =>
        ToolResult.Error(text) with { Fields = Fields(command, path, prevExist: null, oldContent: null, newContent: null) };

    private static ImmutableDictionary<string, JsonElement> Fields(string? command, string? path, bool? prevExist, string? oldContent, string? newContent)
    {
        var fields = new ObservationFields().Add("command", command ?? string.Empty).Add("path", path);
        if (prevExist is { } exists)
        {
            fields.Add("prev_exist", exists);
        }

        // Whole file contents make observations big: they are kept (as the Python tool does) only for modest files.
        if (oldContent is { Length: <= MaxContentFieldLength })
        {
            fields.Add("old_content", oldContent);
        }

        if (newContent is { Length: <= MaxContentFieldLength })
        {
            fields.Add("new_content", newContent);
        }

        return fields.Build();
    }
}
