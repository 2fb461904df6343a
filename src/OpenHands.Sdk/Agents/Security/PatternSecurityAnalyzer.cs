using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Agents.Tools.Internal;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Agents.Security;

/// <summary>
/// Rates actions by looking for known signatures in what they would execute: local, fast, deterministic
/// (<c>{"kind": "PatternSecurityAnalyzer"}</c>). Pair it with <see cref="ConfirmRisky"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SecurityRisk.High"/>: recursive forced deletion (<c>rm -rf</c> and its spellings), privilege escalation
/// (<c>sudo</c>, <c>doas</c>, <c>su -c</c>), formatting or raw writes to disks (<c>mkfs</c>, <c>dd of=/dev/…</c>,
/// <c>shred</c>), power commands, a fork bomb, piping a download into an interpreter (<c>curl … | sh</c>), writing a file
/// outside the workspace (the file editor's writing commands, or a shell redirection or <c>tee</c> to an absolute path
/// outside it, except <c>/tmp</c> and <c>/dev/null</c>), and text that tells the model to ignore its instructions.
/// </para>
/// <para>
/// <see cref="SecurityRisk.Medium"/>: network access (<c>curl</c>, <c>wget</c>, <c>ssh</c>, <c>scp</c>, <c>nc</c>),
/// package installation, <c>git push</c>, permission and ownership changes, and killing processes.
/// Everything else is <see cref="SecurityRisk.Low"/>. Invisible characters and full-width letters are folded before
/// matching, so they cannot hide a command. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class PatternSecurityAnalyzer : ISecurityAnalyzer
{
    /// <summary>The <c>kind</c> this analyzer is persisted as.</summary>
    public const string KindName = "PatternSecurityAnalyzer";

    private const int TimeoutMs = 250;

    private static readonly string[] FileWriteCommands = ["create", "str_replace", "insert", "undo_edit", "write"];
    private static readonly string[] SafeOutsidePaths = ["/tmp/", "/dev/null", "/dev/stdout", "/dev/stderr"];

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <inheritdoc/>
    public SecurityRisk Rate(ActionEvent action, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        var executable = Normalize(string.Join('\n', ExecutableTexts(action)));
        var everything = Normalize(executable + "\n" + action.Thought + "\n" + action.Summary);
        if (InstructionOverride().IsMatch(everything) || IsHighShell(executable) || WritesOutside(action, executable, workingDirectory))
        {
            return SecurityRisk.High;
        }

        return Medium().IsMatch(executable) ? SecurityRisk.Medium : SecurityRisk.Low;
    }

    private static bool IsHighShell(string text) =>
        RecursiveForcedDelete().IsMatch(text) || Privileged().IsMatch(text) || DiskDestruction().IsMatch(text)
        || DownloadAndRun().IsMatch(text) || ForkBomb().IsMatch(text);

    /// <summary>The strings the action would execute: its payload's string values (the command, the path, MCP arguments).</summary>
    private static IEnumerable<string> ExecutableTexts(ActionEvent action)
    {
        if (action.Action is not { ValueKind: JsonValueKind.Object } payload)
        {
            yield break;
        }

        var stack = new Stack<JsonElement>();
        stack.Push(payload);
        while (stack.Count > 0)
        {
            var element = stack.Pop();

            // Hand-walked on purpose: every string of an arbitrary payload (any tool's, MCP's too) is checked.
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name != "kind")
                        {
                            stack.Push(property.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        stack.Push(item);
                    }

                    break;
                case JsonValueKind.String:
                    yield return element.GetString()!;
                    break;
            }
        }
    }

    private static bool WritesOutside(ActionEvent action, string executable, string workingDirectory)
    {
        var root = Path.GetFullPath(workingDirectory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (action.Action is { ValueKind: JsonValueKind.Object } payload)
        {
            var arguments = new ToolArguments("action", payload);
            if (arguments.String("command", strict: true) is { } command && FileWriteCommands.Contains(command, StringComparer.Ordinal)
                && arguments.String("path", strict: true) is { } path)
            {
                return IsOutside(path, root);
            }
        }

        foreach (Match match in RedirectTarget().Matches(executable))
        {
            if (IsOutside(match.Groups["path"].Value, root))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOutside(string path, string root)
    {
        if (path.Length == 0 || path[0] == '~')
        {
            return path.Length > 0;
        }

        if (!Path.IsPathRooted(path))
        {
            path = Path.Combine(root, path);
        }

        var full = Path.GetFullPath(path);
        return !(full + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal)
            && !SafeOutsidePaths.Any(safe => full.StartsWith(safe, StringComparison.Ordinal) || full + "/" == safe);
    }

    /// <summary>Folds full-width forms (NFKC) and drops invisible format characters, so neither hides a signature.</summary>
    private static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\brm\s+(?:[^;&|\n]{0,80}\s)?(?:-[a-zA-Z]*(?:r[a-zA-Z]*f|f[a-zA-Z]*r)[a-zA-Z]*|-[rR]\s+-f|-f\s+-[rR]|--recursive\s+--force|--force\s+--recursive)\b", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex RecursiveForcedDelete();

    [GeneratedRegex(@"(?:^|[\s;&|(`$])(?:sudo|doas|pkexec)\s|\bsu\s+(?:-\w*\s+)?-c\b|\bsu\s+root\b", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex Privileged();

    [GeneratedRegex(@"\bmkfs(?:\.\w+)?\b|\bdd\b[^\n]{0,120}\bof=/dev/|\bshred\b|>\s*/dev/(?:sd|nvme|hd|disk)|\b(?:shutdown|reboot|halt|poweroff)\b|\bchmod\s+-R\s+0?777\s+/(?:\s|$)", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex DiskDestruction();

    [GeneratedRegex(@"\b(?:curl|wget|fetch)\b[^|\n]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^|\n]{0,200}\|\s*(?:python3?|perl|ruby|node)\b|\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex DownloadAndRun();

    [GeneratedRegex(@":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:", RegexOptions.None, TimeoutMs)]
    private static partial Regex ForkBomb();

    [GeneratedRegex(@"(?:>>?|\btee\s+(?:-a\s+)?)\s*(?<path>(?:/|~)[^\s;&|)'""]*)", RegexOptions.None, TimeoutMs)]
    private static partial Regex RedirectTarget();

    [GeneratedRegex(@"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:(?:the|your)\s+)?(?:previous|prior|above|earlier)\s+(?:instructions?|prompts?|rules?)\b", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex InstructionOverride();

    [GeneratedRegex(@"\b(?:curl|wget|ssh|scp|sftp|rsync|nc|ncat|telnet|ftp)\s|\b(?:pip3?|npm|pnpm|yarn|gem|cargo|apt|apt-get|yum|dnf|brew)\s+(?:install|add)\b|\bgit\s+push\b|\bch(?:mod|own|grp)\s|\b(?:kill|pkill|killall)\s", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex Medium();
}
