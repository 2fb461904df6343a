using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>
/// A number where one is expected (an integer, or a float cut to its integral part), else <see langword="null"/>: token
/// counts and timestamps in providers' replies, which servers behind OpenAI-compatible gateways fill unevenly.
/// </summary>
internal sealed class LooseInt64Converter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out var integer) ? integer : (long)reader.GetDouble();
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// An object or a list read by its own contract when the JSON has that shape, else <see langword="null"/> (a reply's
/// <c>usage</c> sent as a string, <c>choices</c> as an object). Put on a property; the type keeps its default contract.
/// </summary>
internal sealed class LooseShapeConverter<T> : JsonConverter<T>
    where T : class
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var contract = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        var expected = contract.Kind == JsonTypeInfoKind.Enumerable ? JsonTokenType.StartArray : JsonTokenType.StartObject;
        if (reader.TokenType != expected)
        {
            reader.Skip();
            return null;
        }

        return JsonSerializer.Deserialize(ref reader, contract);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
}

/// <summary>Any JSON value kept as its exact text (a tool call's <c>input</c> object, passed on untouched).</summary>
internal sealed class RawJsonTextConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader).GetRawText();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value);
}
