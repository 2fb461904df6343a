using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Agents.Tools.Internal;

// The lenient readings of tool parameters (ToolArguments): what models send in place of the declared type.

/// <summary>A string, or a number's or boolean's JSON text (<c>"timeout": 30</c> read for a string parameter).</summary>
internal sealed class ScalarTextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        var other => throw JsonFieldException.Mismatch("a string", other),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary><see langword="true"/> or <see langword="false"/>, or a string that says so (<c>"True"</c>, <c>"false"</c>).</summary>
internal sealed class BooleanOrTextConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var parsed) => parsed,
        var other => throw JsonFieldException.Mismatch("true or false", other),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}

/// <summary>A list of integers, or such a list JSON-encoded in a string (<c>"view_range": "[1, 20]"</c>).</summary>
internal sealed class IntegerListOrTextConverter : JsonConverter<IReadOnlyList<int>>
{
    public override IReadOnlyList<int>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var list = options.Contract<List<int>>();
        return reader.TokenType switch
        {
            JsonTokenType.StartArray => JsonSerializer.Deserialize(ref reader, list),
            JsonTokenType.String => JsonSerializer.Deserialize(reader.GetString() ?? string.Empty, list)
                ?? throw new JsonException("The encoded list is JSON null."),
            var other => throw JsonFieldException.Mismatch("a list of integers", other),
        };
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToList(), options.Contract<List<int>>());
}
