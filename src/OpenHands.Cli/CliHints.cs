namespace OpenHands.Cli;

/// <summary>
/// The commands the CLI suggests in notes and errors. A suggested command repeats every option the user gave (or the
/// profile already has), so following a hint never drops a setting such as <c>--base-url</c>.
/// </summary>
internal static class CliHints
{
    /// <summary><c>echo KEY | openhands profiles add NAME --model M [--base-url U] --api-key-stdin --force</c>.</summary>
    public static string AddKey(string name, string model, string? baseUrl)
    {
        var command = $"echo KEY | openhands profiles add {Quote(name)} --model {Quote(model)}";
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            command += " --base-url " + Quote(baseUrl);
        }

        return command + " --api-key-stdin --force";
    }

    /// <summary>Quotes a value for a POSIX shell when it holds anything but safe characters.</summary>
    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '@' or '=' or '+' or ',')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
