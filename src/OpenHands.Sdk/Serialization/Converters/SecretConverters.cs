using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>
/// Writes a secret as its plaintext, as a Fernet token or as <c>**********</c>, whichever the options it is registered in
/// were made for (<see cref="OpenHandsJson"/>). Reading applies the Python rules: blank text, the sentinel, <c>{}</c> and
/// <c>[]</c> mean "no secret". A Fernet token is kept as it is for the codec to decrypt (or reject), so a token is never
/// taken for a key.
/// </summary>
internal sealed class SecretStringConverter(SecretExposure exposure, Cipher? cipher) : JsonConverter<SecretString>
{
    public override SecretString? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return SecretString.FromNullable(reader.GetString());
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = reader.TokenType;
                reader.Read();
                return reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray ? null : throw JsonFieldException.Mismatch("a string", start);
            default:
                throw JsonFieldException.Mismatch("a string", reader.TokenType);
        }
    }

    public override void Write(Utf8JsonWriter writer, SecretString value, JsonSerializerOptions options) =>
        writer.WriteStringValue(SecretText.Write(value.Reveal(), exposure, cipher));
}

/// <summary>
/// <c>extra_headers</c>: an object of strings, written in ordinal key order. The values of credential headers
/// (<see cref="SecretFields.IsSensitiveHeader"/>) are secrets and are written like <see cref="SecretStringConverter"/> does.
/// </summary>
internal sealed class ExtraHeadersConverter(SecretExposure exposure, Cipher? cipher) : JsonConverter<ImmutableDictionary<string, string>>
{
    public override ImmutableDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonFieldException.Mismatch("an object of strings", reader.TokenType);
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            builder[name] = reader.TokenType == JsonTokenType.String
                ? reader.GetString()!
                : throw JsonFieldException.Mismatch("a string", reader.TokenType, "." + name);
        }

        return builder.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, text) in value.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, SecretFields.IsSensitiveHeader(name) ? SecretText.Write(text, exposure, cipher) : text);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The one rule for the written form of a secret value.</summary>
internal static class SecretText
{
    public static string Write(string plaintext, SecretExposure exposure, Cipher? cipher) => exposure switch
    {
        SecretExposure.Plaintext => plaintext,
        SecretExposure.Encrypted => (cipher ?? throw new InvalidOperationException("No cipher for encrypted secrets.")).Encrypt(plaintext),
        _ => SecretString.Redacted,
    };
}

/// <summary>
/// One secret of a request (<see cref="Wire.SecretInput"/>): a plain string, or a secret source object
/// (<c>{"kind": "StaticSecret", "value": …, "description": …}</c>) read with its own contract. Written as a source.
/// </summary>
internal sealed class SecretInputConverter : JsonConverter<Wire.SecretInput>
{
    public override Wire.SecretInput? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new Wire.SecretInput { Value = reader.GetString(), Kind = "StaticSecret" };
            case JsonTokenType.StartObject:
                var source = JsonSerializer.Deserialize(ref reader, options.Contract<Documents.SecretSourceDocument>())!;
                var kind = UnknownFields.RemoveString(source.Unknown, "kind");
                return new Wire.SecretInput
                {
                    Value = source.Value,
                    Description = source.Description,
                    Kind = kind ?? "StaticSecret",
                    IsLookup = kind == "LookupSecret" || source.Unknown?.ContainsKey("url") == true,
                };
            default:
                throw JsonFieldException.Mismatch("a string or a secret source object", reader.TokenType);
        }
    }

    public override void Write(Utf8JsonWriter writer, Wire.SecretInput value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(
            writer,
            new Documents.SecretSourceDocument
            {
                Value = value.Value,
                Description = value.Description,
                Unknown = UnknownFields.ForWrite(ImmutableDictionary<string, JsonElement>.Empty, "kind", UnknownFields.Element(value.Kind ?? "StaticSecret")),
            },
            options.Contract<Documents.SecretSourceDocument>());
}
