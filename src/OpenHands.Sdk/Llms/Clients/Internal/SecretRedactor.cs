using System.Text;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// Removes the secrets of one <see cref="Llm"/> from text that came from outside (provider error bodies, transport
/// messages) before that text goes into an exception message or a log line.
/// </summary>
internal sealed class SecretRedactor
{
    public const string Mask = "**********";

    // Providers echo keys back partly masked ("sk-proj-abc***xyz"); a secret's opening characters followed by
    // the characters keys are made of (masks included) are removed too, so no recognizable part of a key survives.
    private const int PrefixLength = 8;

    private readonly string[] _secrets;

    public SecretRedactor(Llm llm)
    {
        var secrets = new List<string>();
        Add(llm.ApiKey);
        Add(llm.AwsAccessKeyId);
        Add(llm.AwsSecretAccessKey);
        Add(llm.AwsSessionToken);
        foreach (var (name, value) in llm.ExtraHeaders ?? [])
        {
            if (IsSensitiveHeader(name))
            {
                AddText(value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..] : value);
            }
        }

        // Longest first, so a secret that contains another is removed whole.
        _secrets = [.. secrets.Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

        void Add(SecretString? secret) => AddText(secret?.Reveal());

        void AddText(string? value)
        {
            if (!string.IsNullOrWhiteSpace(value) && value.Trim().Length >= 4)
            {
                secrets.Add(value.Trim());
            }
        }
    }

    /// <summary>Returns <paramref name="text"/> with every secret, and every run that starts like one, replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
            if (secret.Length >= PrefixLength + 4)
            {
                text = RedactRunsStartingWith(text, secret[..PrefixLength]);
            }
        }

        return text;
    }

    /// <summary>Headers whose values are credentials.</summary>
    public static bool IsSensitiveHeader(string name) =>
        name.Contains("auth", StringComparison.OrdinalIgnoreCase) || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("cookie", StringComparison.OrdinalIgnoreCase) || name.Contains("password", StringComparison.OrdinalIgnoreCase);

    private static string RedactRunsStartingWith(string text, string start)
    {
        var index = text.IndexOf(start, StringComparison.Ordinal);
        if (index < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var from = 0;
        while (index >= 0)
        {
            var end = index + start.Length;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or '*' or '.' or '+' or '/' or '=' or '~'))
            {
                end++;
            }

            builder.Append(text, from, index - from).Append(Mask);
            from = end;
            index = text.IndexOf(start, from, StringComparison.Ordinal);
        }

        return builder.Append(text, from, text.Length - from).ToString();
    }
}
