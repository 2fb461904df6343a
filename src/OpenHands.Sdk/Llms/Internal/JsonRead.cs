using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace OpenHands.Sdk.Llms.Internal;

/// <summary>Lenient, typed readers of JSON values that name the field on a type mismatch.</summary>
/// <remarks>Numbers follow the Python SDK's lax rules: <c>8.0</c> is accepted for an integer field.</remarks>
internal static class JsonRead
{
    public static string? String(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw Mismatch(field, "a string", value),
    };

    public static string RequiredString(JsonElement value, string field) =>
        String(value, field) ?? throw new LlmFormatException($"field '{field}' must not be null");

    public static bool? Bool(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw Mismatch(field, "true or false", value),
    };

    public static bool RequiredBool(JsonElement value, string field) =>
        Bool(value, field) ?? throw new LlmFormatException($"field '{field}' must not be null");

    public static int? Int(JsonElement value, string field)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Number when value.TryGetInt32(out var i):
                return i;
            case JsonValueKind.Number when value.TryGetDouble(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue:
                return (int)d;
            case JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s):
                return s;
            default:
                throw Mismatch(field, "an integer", value);
        }
    }

    public static int RequiredInt(JsonElement value, string field) =>
        Int(value, field) ?? throw new LlmFormatException($"field '{field}' must not be null");

    public static double? Double(JsonElement value, string field)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Number when value.TryGetDouble(out var d):
                return d;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s):
                return s;
            default:
                throw Mismatch(field, "a number", value);
        }
    }

    public static double RequiredDouble(JsonElement value, string field) =>
        Double(value, field) ?? throw new LlmFormatException($"field '{field}' must not be null");

    public static ImmutableDictionary<string, JsonElement>? ObjectMap(JsonElement value, string field)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Mismatch(field, "an object", value);
        }

        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            builder[property.Name] = property.Value.Clone();
        }

        return builder.ToImmutable();
    }

    public static ImmutableDictionary<string, string>? StringMap(JsonElement value, string field)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Mismatch(field, "an object of strings", value);
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            builder[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw Mismatch($"{field}.{property.Name}", "a string", property.Value);
        }

        return builder.ToImmutable();
    }

    /// <summary>The string value of a property, or <see langword="null"/> when it is absent or not a string.</summary>
    public static string? StringProperty(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The properties of an object other than <paramref name="known"/>, kept so they can be written back.</summary>
    public static ImmutableDictionary<string, JsonElement> Others(JsonElement parent, params string[] known)
    {
        ImmutableDictionary<string, JsonElement>.Builder? builder = null;
        foreach (var p in parent.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) < 0)
            {
                builder ??= ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
                builder[p.Name] = p.Value.Clone();
            }
        }

        return builder?.ToImmutable() ?? ImmutableDictionary<string, JsonElement>.Empty;
    }

    /// <summary>Writes kept properties in ordinal key order, so equal content gives equal files in every process.</summary>
    public static void WriteProperties(Utf8JsonWriter writer, ImmutableDictionary<string, JsonElement> properties)
    {
        foreach (var (key, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }
    }

    public static LlmFormatException Mismatch(string field, string expected, JsonElement actual) =>
        new($"field '{field}' must be {expected}, not {Describe(actual.ValueKind)}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an undefined value",
    };
}
