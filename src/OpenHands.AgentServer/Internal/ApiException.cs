using System.Text.Json.Nodes;

namespace OpenHands.AgentServer.Internal;

/// <summary>An error answered with a status code and a <c>{"detail": …}</c> body.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Detail = JsonValue.Create(message);
    }

    public ApiException(int statusCode, string message, JsonNode detail)
        : base(message)
    {
        StatusCode = statusCode;
        Detail = detail;
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
        Detail = JsonValue.Create(message);
    }

    public int StatusCode { get; }

    public JsonNode Detail { get; }

    /// <summary>A 422 in the FastAPI validation shape: <c>{"detail":[{"loc":[…],"msg":…,"type":…}]}</c>.</summary>
    public static ApiException Validation(string message, string type, params string[] loc)
    {
        var item = new JsonObject
        {
            ["loc"] = new JsonArray([.. loc.Select(l => (JsonNode?)JsonValue.Create(l))]),
            ["msg"] = message,
            ["type"] = type,
        };
        return new ApiException(422, message, new JsonArray(item));
    }

    public static ApiException NotFound(string message) => new(404, message);
}
