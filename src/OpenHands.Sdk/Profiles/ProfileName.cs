using System.Diagnostics.CodeAnalysis;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// The validated name of an LLM profile: the one place that owns the naming rule for every operation.
/// </summary>
/// <remarks>
/// <para>
/// A name is 1 to 64 ASCII letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, starting with a letter or digit
/// (the Python SDK's rule <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$</c>). As in the Python SDK, one trailing
/// <c>.json</c> is stripped first, so <c>fast</c> and <c>fast.json</c> name the same profile file.
/// </para>
/// <para>
/// Stricter than the Python SDK, so that a name always means one file and one reference: a name that still ends
/// with <c>.json</c> after stripping (<c>x.json.json</c>) and Windows device names (<c>CON</c>, <c>NUL</c>,
/// <c>COM1</c>…) are rejected. Comparison is ordinal (case-sensitive), as file names are on Linux.
/// </para>
/// </remarks>
public readonly struct ProfileName : IEquatable<ProfileName>, IComparable<ProfileName>
{
    /// <summary>The most characters a name may have.</summary>
    public const int MaxLength = 64;

    private const string JsonSuffix = ".json";

    private static readonly HashSet<string> WindowsDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private readonly string? _value;

    private ProfileName(string value) => _value = value;

    /// <summary>Gets the name <c>Default</c>, which <see cref="ProfileMaterializer"/> uses when none is given.</summary>
    public static ProfileName Default { get; } = new("Default");

    /// <summary>Gets the canonical name, without a <c>.json</c> suffix.</summary>
    /// <exception cref="InvalidOperationException">The instance is <see langword="default"/>.</exception>
    public string Value => _value ?? throw new InvalidOperationException("default(ProfileName) has no value; create one with ProfileName.Create.");

    /// <summary>Gets the profile's file name, <c>&lt;name&gt;.json</c>.</summary>
    public string FileName => Value + JsonSuffix;

    /// <summary>Creates a name, stripping one trailing <c>.json</c>.</summary>
    /// <param name="text">The name as given by a user, a request or a file.</param>
    /// <returns>The validated name.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="text"/> breaks the naming rule.</exception>
    public static ProfileName Create(string? text) =>
        TryCreate(text, out var name, out var problem) ? name : throw new InvalidProfileNameException(text, problem);

    /// <summary>Tries to create a name, stripping one trailing <c>.json</c>.</summary>
    /// <param name="text">The candidate text.</param>
    /// <param name="name">The validated name when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid name.</returns>
    public static bool TryCreate([NotNullWhen(true)] string? text, out ProfileName name) => TryCreate(text, out name, out _);

    /// <summary>Returns the canonical name.</summary>
    /// <returns>The name, or an empty string for <see langword="default"/>.</returns>
    public override string ToString() => _value ?? string.Empty;

    /// <inheritdoc/>
    public bool Equals(ProfileName other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ProfileName other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc/>
    public int CompareTo(ProfileName other) => string.CompareOrdinal(_value, other._value);

    /// <summary>Compares two names for equality.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when both are the same name.</returns>
    public static bool operator ==(ProfileName left, ProfileName right) => left.Equals(right);

    /// <summary>Compares two names for inequality.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when the names differ.</returns>
    public static bool operator !=(ProfileName left, ProfileName right) => !left.Equals(right);

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
    public static bool operator <(ProfileName left, ProfileName right) => left.CompareTo(right) < 0;

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
    public static bool operator >(ProfileName left, ProfileName right) => left.CompareTo(right) > 0;

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort last.</returns>
    public static bool operator <=(ProfileName left, ProfileName right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort first.</returns>
    public static bool operator >=(ProfileName left, ProfileName right) => left.CompareTo(right) >= 0;

    private static bool TryCreate(string? text, out ProfileName name, out string problem)
    {
        name = default;
        if (string.IsNullOrEmpty(text))
        {
            problem = "it is empty";
            return false;
        }

        var stem = text.EndsWith(JsonSuffix, StringComparison.Ordinal) ? text[..^JsonSuffix.Length] : text;
        if (stem.Length == 0)
        {
            problem = "it is empty once the '.json' suffix is removed";
            return false;
        }

        if (stem.Length > MaxLength)
        {
            problem = $"it has {stem.Length} characters, more than {MaxLength}";
            return false;
        }

        if (!IsAsciiLetterOrDigit(stem[0]))
        {
            problem = "it does not start with a letter or digit";
            return false;
        }

        foreach (var c in stem)
        {
            if (!IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                problem = c is ' ' or '\t' or '\r' or '\n' ? "it contains white space"
                    : c is '/' or '\\' ? "it contains a path separator"
                    : c > 127 ? "it contains a non-ASCII character"
                    : $"it contains the character '{c}'";
                return false;
            }
        }

        if (stem.EndsWith(JsonSuffix, StringComparison.Ordinal))
        {
            problem = "it ends with '.json' twice";
            return false;
        }

        var dot = stem.IndexOf('.', StringComparison.Ordinal);
        if (WindowsDeviceNames.Contains(dot < 0 ? stem : stem[..dot]))
        {
            problem = "it is a reserved device name on Windows";
            return false;
        }

        name = new ProfileName(stem);
        problem = string.Empty;
        return true;
    }

    private static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c);
}
