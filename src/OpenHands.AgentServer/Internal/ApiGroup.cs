using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenHands.AgentServer.Internal;

/// <summary>The <c>/api</c> route group: session-key check, the one exception mapping, and a JSON 404 for unknown routes.</summary>
internal static partial class ApiGroup
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var check = http.RequestServices.GetRequiredService<SessionKeyCheck>();
            if (!check.Accepts(http.Request.Headers[SessionKeyCheck.HeaderName].FirstOrDefault()))
            {
                return Error(StatusCodes.Status401Unauthorized, "Unauthorized");
            }

            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (ErrorMapping.Map(e) is { } mapped)
            {
                return ApiResults.Error(mapped.Status, mapped.Error.Detail);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // Never echo an unexpected exception: it could carry a secret. The id ties the response to the log line.
                var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OpenHands.AgentServer");
                LogUnhandled(logger, errorId, http.Request.Method, http.Request.Path, e);
                return ApiResults.Json(
                    new System.Text.Json.Nodes.JsonObject { ["detail"] = "Internal Server Error", ["error_id"] = errorId },
                    StatusCodes.Status500InternalServerError);
            }
        });

        api.Map("/{**path}", (HttpContext http) => ApiResults.Error(
                StatusCodes.Status404NotFound, $"Not Found: no route for {http.Request.Method} {http.Request.Path}"))
            .ExcludeFromDescription();
        return api;
    }

    private static IResult Error(int status, string message) => ApiResults.Error(status, message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {ErrorId} on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string errorId, string method, string path, Exception exception);
}
