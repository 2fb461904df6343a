using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Security;

/// <summary>
/// A secret value (an API key, an AWS secret) that cannot print itself.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ToString"/>, the debugger display and any <see cref="JsonSerializer"/> output all show the
/// redaction sentinel <c>**********</c>, the same text the Python SDK writes for a redacted secret.
/// The value is read only through <see cref="Reveal"/>, so every place that handles plaintext is explicit
/// and easy to find.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
[DebuggerDisplay("**********")]
[JsonConverter(typeof(RedactingConverter))]
public sealed class SecretString : IEquatable<SecretString>
{
    /// <summary>The text shown instead of a secret value: <c>**********</c>.</summary>
    public const string Redacted = "**********";

    private readonly string _value;

    /// <summary>Initializes a new instance of the <see cref="SecretString"/> class.</summary>
    /// <param name="value">The secret. It must not be empty, white space or the redaction sentinel.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty, white space or <c>**********</c>.</exception>
    public SecretString(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value == Redacted)
        {
            throw new ArgumentException("The redaction sentinel '**********' is not a secret value.", nameof(value));
        }

        _value = value;
    }

    /// <summary>
    /// Creates a secret from text that may be absent, applying the Python SDK's rule:
    /// <see langword="null"/>, empty, white-space-only text and the sentinel <c>**********</c> mean "no secret".
    /// </summary>
    /// <param name="value">The text, or <see langword="null"/>.</param>
    /// <returns>A secret, or <see langword="null"/> when <paramref name="value"/> holds no secret.</returns>
    public static SecretString? FromNullable(string? value) =>
        string.IsNullOrWhiteSpace(value) || value == Redacted ? null : new SecretString(value);

    /// <summary>Returns the plaintext value. Call this only where the value must leave the process (an HTTP header, an encrypted file).</summary>
    /// <returns>The secret's plaintext.</returns>
    public string Reveal() => _value;

    /// <summary>Returns <c>**********</c>, never the value.</summary>
    /// <returns>The redaction sentinel.</returns>
    public override string ToString() => Redacted;

    /// <inheritdoc/>
    public bool Equals(SecretString? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(_value.AsSpan()), MemoryMarshal.AsBytes(other._value.AsSpan()));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SecretString);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.Length;

    /// <summary>
    /// The converter the type is marked with: writes the sentinel instead of the value; reads blank text and the sentinel
    /// as "no secret". Public so that a source-generated <see cref="JsonSerializerContext"/> of any assembly can hold types
    /// with a <see cref="SecretString"/> member.
    /// </summary>
    public sealed class RedactingConverter : JsonConverter<SecretString>
    {
        /// <inheritdoc/>
        public override SecretString? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : FromNullable(reader.GetString());

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, SecretString value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Redacted);
    }
}
