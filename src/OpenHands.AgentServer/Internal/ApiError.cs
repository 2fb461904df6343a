using Microsoft.AspNetCore.Http;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Writes an error in the agent-server's envelope: <see cref="ErrorResponse"/> (with <c>exception</c> on a 5xx, where
/// the Python server puts its detail) or, for a validation error, <see cref="ValidationErrorResponse"/>.
/// </summary>
internal sealed class ApiError(int statusCode, string detail, IReadOnlyList<ValidationItem>? items = null, string? errorId = null) : IResult, IStatusCodeHttpResult
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public static ApiError From(ApiException e) => new(e.StatusCode, e.Message, e.Items);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (items is not null)
        {
            return response.WriteAsJsonAsync(new ValidationErrorResponse { Detail = items }, WireJson.Contract<ValidationErrorResponse>(), WireJson.ContentType, httpContext.RequestAborted);
        }

        var body = new ErrorResponse { Detail = detail, Exception = StatusCode >= 500 && errorId is null ? $"{StatusCode}: {detail}" : null, ErrorId = errorId };
        return response.WriteAsJsonAsync(body, WireJson.Contract<ErrorResponse>(), WireJson.ContentType, httpContext.RequestAborted);
    }
}
