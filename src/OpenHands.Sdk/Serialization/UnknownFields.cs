using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenHands.Sdk.Serialization;

/// <summary>
/// Moves fields between a document's <c>[JsonExtensionData]</c> dictionary and the immutable map a public type keeps them
/// in. Writing puts them in ordinal key order, between the fields that come before them and the ones the Python SDK
/// writes last (<c>schema_version</c> of a profile, the <c>kind</c> of an event).
/// </summary>
internal static class UnknownFields
{
    private static readonly ConcurrentDictionary<string, JsonElement> Strings = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<int, JsonElement> Integers = new();

    /// <summary>The entries of <paramref name="fields"/> in ordinal key order.</summary>
    public static IEnumerable<KeyValuePair<string, JsonElement>> Ordered(ImmutableDictionary<string, JsonElement> fields) =>
        fields.Count <= 1 ? fields : fields.OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>The extension data to write: <paramref name="fields"/> in ordinal order, then <paramref name="last"/>.</summary>
    public static Dictionary<string, JsonElement>? ForWrite(ImmutableDictionary<string, JsonElement> fields, string? lastName = null, JsonElement last = default)
    {
        if (fields.Count == 0 && lastName is null)
        {
            return null;
        }

        var result = new Dictionary<string, JsonElement>(fields.Count + 1, StringComparer.Ordinal);
        foreach (var (key, value) in Ordered(fields))
        {
            result[key] = value;
        }

        if (lastName is not null)
        {
            result.Remove(lastName);
            result[lastName] = last;
        }

        return result;
    }

    /// <summary>The fields read into <paramref name="extension"/> without <paramref name="known"/>, as an immutable map.</summary>
    public static ImmutableDictionary<string, JsonElement> Take(Dictionary<string, JsonElement>? extension, params ReadOnlySpan<string> known)
    {
        if (extension is null || extension.Count == 0)
        {
            return ImmutableDictionary<string, JsonElement>.Empty;
        }

        foreach (var name in known)
        {
            extension.Remove(name);
        }

        return extension.ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>Removes <paramref name="name"/> from <paramref name="extension"/> and returns its value, when it is there.</summary>
    public static JsonElement? Remove(Dictionary<string, JsonElement>? extension, string name) =>
        extension is not null && extension.Remove(name, out var value) ? value : null;

    /// <summary>Removes <paramref name="name"/> and returns its value when it is a string (the Python SDK's lenient read).</summary>
    public static string? RemoveString(Dictionary<string, JsonElement>? extension, string name) =>
        Remove(extension, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>A JSON string value, cached (event kinds and other constants written on every save).</summary>
    public static JsonElement Element(string value) =>
        Strings.GetOrAdd(value, static v => JsonSerializer.SerializeToElement(v, (JsonTypeInfo<string>)OpenHandsJson.Context.GetTypeInfo(typeof(string))!));

    /// <summary>A JSON integer value, cached (schema versions).</summary>
    public static JsonElement Element(int value) =>
        Integers.GetOrAdd(value, static v => JsonSerializer.SerializeToElement(v, (JsonTypeInfo<int>)OpenHandsJson.Context.GetTypeInfo(typeof(int))!));
}
