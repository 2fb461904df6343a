namespace OpenHands.Cli;

/// <summary>Command descriptions with an "Examples:" block, so every command's <c>--help</c> shows how it is used.</summary>
internal static class CliHelp
{
    public static string With(string description, params string[] examples) =>
        description + Environment.NewLine + Environment.NewLine + "Examples:" + Environment.NewLine
        + string.Join(Environment.NewLine, examples.Select(e => "  " + e));
}
