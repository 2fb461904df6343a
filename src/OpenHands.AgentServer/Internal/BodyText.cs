using System.Buffers;
using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk.Serialization;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The checks of a JSON body that the contracts cannot make, and the one translation of a deserialization error into a
/// FastAPI validation item (<c>loc</c> from the JSON path, a <c>type</c> from the kind of problem).
/// </summary>
internal static class BodyText
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Reads every token once: invalid JSON, any string or name that is not valid Unicode (invalid UTF-8, a lone
    /// surrogate such as <c>\ud800</c>) and any that holds a NUL character (a path, a name or a header cannot) is a 422 — also in fields the contract skips or keeps as raw JSON, which would
    /// otherwise fail later, when the value is written to a file or an answer.
    /// </summary>
    public static ApiException? FindInvalidText(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        char[]? scratch = null;
        string? lastName = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                if (scratch is null || scratch.Length < length)
                {
                    if (scratch is not null)
                    {
                        ArrayPool<char>.Shared.Return(scratch);
                    }

                    scratch = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
                }

                int written;
                try
                {
                    written = reader.CopyString(scratch);
                }
                catch (InvalidOperationException)
                {
                    var where = lastName is null ? "the body" : $"field '{lastName}'";
                    return ApiException.Validation(
                        $"{where} holds text that is not valid Unicode (invalid UTF-8, or an escaped lone surrogate such as \\ud800)", "string_unicode", "body");
                }

                if (scratch.AsSpan(0, written).Contains('\0'))
                {
                    var where = lastName is null ? "the body" : $"field '{lastName}'";
                    return ApiException.Validation($"{where} holds a NUL character (\\u0000), which no field accepts", "string_nul", "body");
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    lastName = written <= 64 ? new string(scratch, 0, written) : null;
                }
            }

            return null;
        }
        catch (JsonException e)
        {
            return ApiException.Validation($"JSON decode error: {e.Message}", "json_invalid", "body");
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<char>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>A deserialization error as a 422 at the field's location, its message naming the field (never its value).</summary>
    public static ApiException Problem(JsonException e)
    {
        var loc = Location(e.Path);
        return ApiException.Validation(Capitalize(JsonErrors.Describe(e)), Kind(e), loc);
    }

    private static string Kind(JsonException e) => e.InnerException switch
    {
        JsonException => "json_invalid",
        InvalidOperationException => "string_unicode",
        _ => e.Message switch
        {
            var m when m.Contains("a string", StringComparison.Ordinal) && m.StartsWith("must be", StringComparison.Ordinal) => "string_type",
            var m when m.Contains("true or false", StringComparison.Ordinal) => "bool_type",
            var m when m.Contains("integer", StringComparison.Ordinal) => "int_type",
            var m when m.Contains("a number", StringComparison.Ordinal) && m.StartsWith("must be", StringComparison.Ordinal) => "float_type",
            var m when m.StartsWith("must not be null", StringComparison.Ordinal) => "missing",
            var m when m.StartsWith("is out of range", StringComparison.Ordinal) || m.StartsWith("is not valid", StringComparison.Ordinal) => "value_error",
            _ when e is JsonFieldException => "value_error",
            _ => "model_attributes_type",
        },
    };

    /// <summary>A System.Text.Json path (<c>$.agent.tools[0].name</c>, <c>$['a b']</c>) as a location under <c>body</c>.</summary>
    private static List<JsonElement> Location(string? path)
    {
        var loc = new List<JsonElement>(4) { ApiException.Location.Name("body") };
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return loc;
        }

        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                loc.Add(ApiException.Location.Name(path[(i + 1)..end]));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                loc.Add(ApiException.Location.Name(path[(i + 2)..end]));
                i = Math.Min(path.Length, end + 2);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                loc.Add(int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? ApiException.Location.Index(index)
                    : ApiException.Location.Name(path[(i + 1)..end]));
                i = Math.Min(path.Length, end + 1);
            }
            else
            {
                break;
            }
        }

        return loc;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
