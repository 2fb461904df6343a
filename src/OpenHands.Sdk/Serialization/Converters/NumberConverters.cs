using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>
/// Integers as the Python SDK accepts them: a JSON integer, an integral float (<c>8.0</c>) or a numeric string.
/// A <see langword="null"/> for a non-nullable field is an error; for an <c>int?</c> field it is <see langword="null"/>.
/// </summary>
internal sealed class LenientInt32Converter : JsonConverter<int>
{
    public override bool HandleNull => true;

    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = LenientNumbers.ReadInteger(ref reader);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw JsonFieldException.Mismatch("an integer", reader.TokenType);
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>64-bit integers by the rules of <see cref="LenientInt32Converter"/> (token counts in conversation stats).</summary>
internal sealed class LenientInt64Converter : JsonConverter<long>
{
    public override bool HandleNull => true;

    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        LenientNumbers.ReadInteger(ref reader);

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>Floats as the Python SDK accepts them: a JSON number or a numeric string; written in .NET's shortest form.</summary>
internal class LenientDoubleConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetDouble(out var number) && double.IsFinite(number):
                return number;
            case JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return parsed; // "Infinity" and "NaN" parse; the fields' range checks reject them with the field's name
            case JsonTokenType.Null:
                throw new JsonFieldException("must not be null");
            default:
                throw JsonFieldException.Mismatch("a number", reader.TokenType);
        }
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>A float written the way Python writes one: integral values keep a fraction (<c>8.0</c>, not <c>8</c>).</summary>
internal sealed class PythonFloatConverter : LenientDoubleConverter
{
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e16)
        {
            writer.WriteRawValue(((long)value).ToString(CultureInfo.InvariantCulture) + ".0", skipInputValidation: true);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}

/// <summary>The integer rule shared by the integer converters.</summary>
internal static class LenientNumbers
{
    public static long ReadInteger(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var integer):
                return integer;
            case JsonTokenType.Number when reader.TryGetDouble(out var number) && number == Math.Floor(number) && number is >= long.MinValue and <= long.MaxValue:
                return (long)number;
            case JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            case JsonTokenType.Null:
                throw new JsonFieldException("must not be null");
            default:
                throw JsonFieldException.Mismatch("an integer", reader.TokenType);
        }
    }
}
