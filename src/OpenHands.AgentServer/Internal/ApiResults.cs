using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OpenHands.AgentServer.Internal;

/// <summary>JSON responses written from <see cref="JsonNode"/>s, so field names are exactly the wire names.</summary>
internal static class ApiResults
{
    public static IResult Json(JsonNode? body, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(body?.ToJsonString() ?? "null", "application/json", Encoding.UTF8, statusCode);

    public static IResult Success() => Json(new JsonObject { ["success"] = true });

    public static IResult Error(int statusCode, string detail) => Error(statusCode, JsonValue.Create(detail));

    public static IResult Error(int statusCode, JsonNode detail)
    {
        var body = new JsonObject { ["detail"] = detail.DeepClone() };
        if (statusCode >= 500)
        {
            // The Python server moves 5xx details into "exception"; we keep "detail" and add "exception" for its clients.
            body["exception"] = $"{statusCode}: {(detail is JsonValue v && v.TryGetValue<string>(out var s) ? s : detail.ToJsonString())}";
        }

        return Json(body, statusCode);
    }
}
