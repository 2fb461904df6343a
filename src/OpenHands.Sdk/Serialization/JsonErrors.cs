using System.Text.Json;

namespace OpenHands.Sdk.Serialization;

/// <summary>Turns the exceptions System.Text.Json throws for bad input into one sentence that names the field (never its value).</summary>
internal static class JsonErrors
{
    /// <summary>Describes <paramref name="exception"/>, for example <c>field 'temperature' must be a number, not a string</c>.</summary>
    public static string Describe(JsonException exception)
    {
        var field = Field(exception.Path);
        if (exception is JsonFieldException fieldError)
        {
            return field.Length == 0 && fieldError.SubPath is null
                ? fieldError.Message
                : $"field '{field}{fieldError.SubPath}' {fieldError.Message}";
        }

        return exception.InnerException switch
        {
            // The reader: bad syntax, an empty or truncated text, trailing data, too deep nesting.
            JsonException reader => $"it is not valid JSON ({reader.Message})",
            // A string that is not valid UTF-8, or an escaped lone surrogate.
            InvalidOperationException => field.Length == 0 ? "it holds text that is not valid Unicode" : $"field '{field}' holds text that is not valid Unicode",
            _ when field.Length == 0 => "the top-level JSON value is not an object",
            _ => $"field '{field}' has a value of the wrong type",
        };
    }

    /// <summary>A System.Text.Json path (<c>$.agent.tools[0].name</c>, <c>$['a b']</c>) as a dotted field name.</summary>
    private static string Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return string.Empty;
        }

        var text = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return text.Replace("['", ".", StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal).TrimStart('.');
    }
}
