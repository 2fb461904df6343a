using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// An error under <c>/v1</c> in OpenAI's shape, <c>{"error": {"message", "type", "code", "param"}}</c>, so that OpenAI
/// clients raise their own typed errors. The status codes are the ones the <c>/api</c> routes use for the same problem.
/// </summary>
internal sealed class OpenAiErrorResult(int statusCode, string message, string? code, string? param = null) : IResult, IStatusCodeHttpResult
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public static OpenAiErrorResult From(ApiException e)
    {
        if (e.Items is { Count: > 0 } items)
        {
            // FastAPI's locations become OpenAI's param: "messages.0.role" (the leading "body" dropped).
            var param = string.Join('.', items[0].Loc.Skip(1).Select(l => l.ToString()));
            var message = string.Join("; ", items.Select(i => $"{string.Join('.', i.Loc.Select(l => l.ToString()))}: {i.Msg}"));
            return new(e.StatusCode, message, e.Code ?? "invalid_request", param.Length == 0 ? null : param);
        }

        return new(e.StatusCode, e.Message, e.Code ?? DefaultCode(e.StatusCode));
    }

    public static OpenAiErrorResult Unexpected(string errorId) =>
        new(StatusCodes.Status500InternalServerError, $"Internal Server Error (error id {errorId}: see the server log)", "internal_error");

    /// <summary>OpenAI's error types by status.</summary>
    public static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    public OpenAiErrorResponse Body => new() { Error = new OpenAiError { Message = message, Type = TypeFor(StatusCode), Code = code, Param = param } };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        return httpContext.Response.WriteAsJsonAsync(Body, WireJson.Contract<OpenAiErrorResponse>(), WireJson.ContentType, httpContext.RequestAborted);
    }

    private static string DefaultCode(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_api_key",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status502BadGateway => "upstream_error",
        StatusCodes.Status503ServiceUnavailable => "service_busy",
        StatusCodes.Status504GatewayTimeout => "timeout",
        >= 500 => "internal_error",
        _ => "invalid_request",
    };
}
