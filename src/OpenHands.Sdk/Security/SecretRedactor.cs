using System.Text;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Security;

/// <summary>
/// The one redactor: removes the secrets of one <see cref="Llm"/> (its secret fields and
/// credential headers) from text that came from outside (provider error bodies, transport messages, tool output) before
/// that text goes into an exception message, an event or a log line.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class SecretRedactor
{
    /// <summary>What a removed secret is replaced with: <c>**********</c>, as secrets are written redacted everywhere.</summary>
    public const string Mask = SecretString.Redacted;

    /// <summary>What tool output shows instead of a conversation secret (the Python SDK's text).</summary>
    public const string HiddenMask = "<secret-hidden>";

    // Providers echo keys back partly masked ("sk-proj-abc***xyz"); a secret's opening characters followed by
    // the characters keys are made of (masks included) are removed too, so no recognizable part of a key survives.
    private const int PrefixLength = 8;

    private readonly string[] _secrets;
    private readonly string _mask = Mask;

    /// <summary>A redactor for the secrets of <paramref name="llm"/>: its secret fields and credential headers.</summary>
    public SecretRedactor(Llm llm)
        : this(SecretFields.ValuesOf(llm ?? throw new ArgumentNullException(nameof(llm))).Select(s => s.Value))
    {
    }

    /// <summary>A redactor for any secrets (for example those of a request and a session key); <see langword="null"/>s are skipped.</summary>
    public SecretRedactor(IEnumerable<SecretString?> secrets)
        : this(secrets.OfType<SecretString>().Select(s => s.Reveal()))
    {
    }

    /// <summary>A redactor for any secrets that writes <paramref name="mask"/> instead (for example <see cref="HiddenMask"/>).</summary>
    public SecretRedactor(IEnumerable<SecretString?> secrets, string mask)
        : this(secrets.OfType<SecretString>().Select(s => s.Reveal()))
    {
        ArgumentException.ThrowIfNullOrEmpty(mask);
        _mask = mask;
    }

    /// <summary>Gets whether there is any secret to remove.</summary>
    public bool IsEmpty => _secrets.Length == 0;

    private SecretRedactor(IEnumerable<string> values)
    {
        var secrets = new List<string>();
        foreach (var value in values)
        {
            // A credential header carries its scheme ("Bearer sk-..."): the token alone is the secret.
            var text = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..] : value;
            if (!string.IsNullOrWhiteSpace(text) && text.Trim().Length >= 4)
            {
                secrets.Add(text.Trim());
            }
        }

        // Longest first, so a secret that contains another is removed whole.
        _secrets = [.. secrets.Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    /// <summary>Returns <paramref name="text"/> with the secrets of <paramref name="llm"/> removed (see <see cref="Redact(string?)"/>).</summary>
    public static string Redact(string? text, Llm llm) => new SecretRedactor(llm).Redact(text);

    /// <summary>Returns <paramref name="text"/> with every secret, and every run that starts like one, replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, _mask, StringComparison.Ordinal);
            if (secret.Length >= PrefixLength + 4)
            {
                text = RedactRunsStartingWith(text, secret[..PrefixLength], _mask);
            }
        }

        return text;
    }

    private static string RedactRunsStartingWith(string text, string start, string mask)
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

            builder.Append(text, from, index - from).Append(mask);
            from = end;
            index = text.IndexOf(start, from, StringComparison.Ordinal);
        }

        return builder.Append(text, from, text.Length - from).ToString();
    }
}
