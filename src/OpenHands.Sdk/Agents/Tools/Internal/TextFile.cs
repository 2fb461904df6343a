using System.Security.Cryptography;
using System.Text;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>A UTF-8 text file as the file editor reads and writes it.</summary>
/// <param name="Content">The text, without a byte-order mark.</param>
/// <param name="HasByteOrderMark">Whether the file started with a UTF-8 byte-order mark (kept on write).</param>
internal sealed record TextFile(string Content, bool HasByteOrderMark)
{
    public const long MaxBytes = 10 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a file, or explains (for the model) why it cannot be edited as text.</summary>
    public static TextFile? Read(string path, out string? error)
    {
        error = null;
        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            error = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The file {path} is too large ({length / 1024.0 / 1024.0:0.0} MB; the limit is {MaxBytes / 1024 / 1024} MB). Inspect it with the terminal instead (head, tail, grep, sed -n).");
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble);
        var body = bom ? bytes.AsSpan(3) : bytes.AsSpan();
        if (body.Contains((byte)0))
        {
            error = $"The file {path} looks binary; this tool only views and edits text files.";
            return null;
        }

        try
        {
            return new TextFile(StrictUtf8.GetString(body), bom);
        }
        catch (DecoderFallbackException)
        {
            error = $"The file {path} is not valid UTF-8 text; this tool only views and edits UTF-8 text files.";
            return null;
        }
    }

    /// <summary>Replaces the file atomically: the new bytes go to a temp file in the same folder, which is renamed over the target.</summary>
    /// <remarks>An existing file keeps its Unix permissions (an executable script stays executable).</remarks>
    public static void Write(string path, string content, bool byteOrderMark)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (byteOrderMark)
                {
                    stream.Write(Encoding.UTF8.Preamble);
                }

                stream.Write(StrictUtf8.GetBytes(content));
            }

            if (!OperatingSystem.IsWindows() && File.Exists(path))
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The original failure matters more than a leftover temp file.
            }

            throw;
        }
    }

    /// <summary>Splits text into lines the way <c>cat -n</c> counts them: a final line break does not start another line.</summary>
    public static string[] Lines(string content)
    {
        if (content.Length == 0)
        {
            return [];
        }

        var lines = content.Split('\n');
        if (content.EndsWith('\n'))
        {
            lines = lines[..^1];
        }

        return [.. lines.Select(l => l.TrimEnd('\r'))];
    }

    /// <summary>Numbers lines like <c>cat -n</c>: the number right-aligned in six columns, a tab, the line.</summary>
    public static string Numbered(IReadOnlyList<string> lines, int firstLineNumber)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            builder.Append((firstLineNumber + i).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(6)).Append('\t').Append(lines[i]).Append('\n');
        }

        return builder.ToString();
    }
}
