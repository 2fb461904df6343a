using System.Text.Json;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// An error answered with a status code and <c>{"detail": "…"}</c>, or, for a validation error, FastAPI's
/// <c>{"detail": [{"loc": […], "msg": "…", "type": "…"}]}</c>. Thrown before anything is written, so a rejected request
/// changes nothing.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public ApiException()
        : this(500, "Internal Server Error")
    {
    }

    public ApiException(string message)
        : this(400, message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
    }

    private ApiException(string message, IReadOnlyList<ValidationItem> items)
        : base(message)
    {
        StatusCode = 422;
        Items = items;
    }

    public int StatusCode { get; }

    /// <summary>Gets a machine-readable code for OpenAI-shaped answers under <c>/v1</c> (such as <c>model_not_found</c>), or <see langword="null"/>.</summary>
    public string? Code { get; init; }

    /// <summary>Gets the validation problems of a 422, or <see langword="null"/> for a plain detail.</summary>
    public IReadOnlyList<ValidationItem>? Items { get; }

    /// <summary>A 422 in the FastAPI validation shape, at <paramref name="loc"/> (such as <c>"body", "llm"</c>).</summary>
    public static ApiException Validation(string message, string type, params string[] loc) =>
        Validation(message, type, [.. loc.Select(Location.Name)]);

    /// <summary>A 422 in the FastAPI validation shape at a location of names and array indexes.</summary>
    public static ApiException Validation(string message, string type, IReadOnlyList<JsonElement> loc) =>
        new(message, [new ValidationItem { Loc = loc, Msg = message, Type = type }]);

    /// <summary>A 422 in the FastAPI validation shape with several problems (the first one's message is the exception's).</summary>
    public static ApiException Validation(IReadOnlyList<ValidationItem> items) => new(items[0].Msg, items);

    public static ApiException NotFound(string message) => new(404, message);

    /// <summary>Locations in the validation shape: names as JSON strings, indexes as JSON numbers.</summary>
    internal static class Location
    {
        public static JsonElement Name(string name) => UnknownFields.Element(name);

        public static JsonElement Index(int index) => UnknownFields.Element(index);
    }
}
