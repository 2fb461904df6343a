using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>
/// Message text in the Python SDK's content shape. Reading takes a string, one text part (<c>{"type": "text", "text": …}</c>)
/// or a list of parts (their texts joined by new lines; image parts carry none). Writing gives one text part.
/// </summary>
internal class TextPartConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
                return PartText(ref reader);
            case JsonTokenType.StartArray:
                List<string>? texts = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var text = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.StartObject => PartText(ref reader),
                        _ => Skip(ref reader),
                    };
                    if (text is not null)
                    {
                        (texts ??= []).Add(text);
                    }
                }

                return texts is null ? string.Empty : string.Join("\n", texts);
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => WritePart(writer, value);

    protected static void WritePart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("cache_prompt", false);
        writer.WriteString("type", "text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    /// <summary>The <c>text</c> string of the part object the reader is on (the reader ends on its end).</summary>
    private static string? PartText(ref Utf8JsonReader reader)
    {
        string? text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isText = reader.ValueTextEquals("text"u8);
            reader.Read();
            if (isText && reader.TokenType == JsonTokenType.String)
            {
                text = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return text;
    }

    private static string? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}

/// <summary>Message text written as a list of one text part (<c>llm_message.content</c>, <c>observation.content</c>).</summary>
internal sealed class TextPartsConverter : TextPartConverter
{
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        WritePart(writer, value);
        writer.WriteEndArray();
    }
}

/// <summary>An action's <c>thought</c>: a list of one text part, or an empty list when there is no text.</summary>
internal sealed class ThoughtConverter : TextPartConverter
{
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        if (value.Length > 0)
        {
            WritePart(writer, value);
        }

        writer.WriteEndArray();
    }
}
