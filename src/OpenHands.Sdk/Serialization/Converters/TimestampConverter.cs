using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>
/// An event <c>timestamp</c>: written with microseconds and the offset, read leniently (the Python SDK writes naive local
/// times; a missing or unreadable one is <see langword="default"/>).
/// </summary>
internal sealed class TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override bool HandleNull => true;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return default;
        }

        return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time) ? time : default;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
}
