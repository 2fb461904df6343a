using System.Text.Json;

namespace OpenHands.Sdk.Serialization;

/// <summary>
/// A JSON value has the wrong type or is out of range. Thrown by the shared converters and by the setters of the
/// documents; System.Text.Json fills in <see cref="JsonException.Path"/>, so <see cref="JsonErrors"/> can name the field.
/// </summary>
internal sealed class JsonFieldException : JsonException
{
    public JsonFieldException(string problem, string? subPath = null)
        : base(problem) => SubPath = subPath;

    public JsonFieldException()
    {
    }

    public JsonFieldException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a part of the path below <see cref="JsonException.Path"/> (a map key), for example <c>.X-Team</c>.</summary>
    public string? SubPath { get; }

    /// <summary>The exception for a value of the wrong JSON type: "must be {expected}, not {what the token is}".</summary>
    public static JsonFieldException Mismatch(string expected, JsonTokenType actual, string? subPath = null) =>
        new($"must be {expected}, not {Describe(actual)}", subPath);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "an undefined value",
    };
}
