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

        // ISO 8601 first, by the reader's own parser: the shape both SDKs write, read without culture data (a culture-aware
        // parse loads the globalization tables, about 15 ms of a fresh process's first replay). A time without an offset
        // is local there as in the lenient parse below, which reads every other shape the Python SDK may have written.
        if (reader.TryGetDateTimeOffset(out var time))
        {
            return time;
        }

        return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out time) ? time : default;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
}
