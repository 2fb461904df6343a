using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>
/// A JSON object kept as raw values (capability overrides, tool parameters, misc settings). Keys are written in ordinal
/// order, so equal content gives equal bytes in every process: an <see cref="ImmutableDictionary{TKey, TValue}"/>
/// enumerates in string-hash order, which changes from run to run.
/// </summary>
internal sealed class OrdinalMapConverter : JsonConverter<ImmutableDictionary<string, JsonElement>>
{
    public override ImmutableDictionary<string, JsonElement> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonFieldException.Mismatch("an object", reader.TokenType);
        }

        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            builder[key] = JsonElement.ParseValue(ref reader);
        }

        return builder.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableDictionary<string, JsonElement> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, element) in UnknownFields.Ordered(value))
        {
            writer.WritePropertyName(key);
            element.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}

/// <summary>A list of raw values where one is expected; anything else reads as <see langword="null"/> (the Python SDK's lenient read).</summary>
internal sealed class ListOrNothingConverter : JsonConverter<List<JsonElement>>
{
    public override List<JsonElement>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var items = new List<JsonElement>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(JsonElement.ParseValue(ref reader));
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, List<JsonElement> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            item.WriteTo(writer);
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// A Python list the SDK models as always empty (<c>thinking_blocks</c>, <c>activated_skills</c>, <c>extended_content</c>):
/// read and dropped, written as <c>[]</c>.
/// </summary>
/// <remarks>
/// A class, not a struct, on purpose: System.Text.Json's generic code for a property of a reference type is shared and
/// precompiled, while a struct property has its own copy compiled at its first use (about 45 methods in a fresh process).
/// </remarks>
[JsonConverter(typeof(EmptyListConverter))]
internal sealed class EmptyList
{
    private EmptyList()
    {
    }

    /// <summary>The one value.</summary>
    public static EmptyList Value { get; } = new();
}

/// <summary>Reads any value as <see cref="EmptyList"/> and writes <c>[]</c>.</summary>
internal sealed class EmptyListConverter : JsonConverter<EmptyList>
{
    public override bool HandleNull => true;

    public override EmptyList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        reader.Skip();
        return EmptyList.Value;
    }

    public override void Write(Utf8JsonWriter writer, EmptyList? value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteEndArray();
    }
}
