using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The <c>/api</c> route group: the session-key scheme (<see cref="SessionKeyAuthenticationHandler"/>), one filter that
/// answers unreadable bodies and maps exceptions to status codes (<see cref="ErrorMapping"/>), and a JSON 404 for
/// unknown routes.
/// </summary>
internal static partial class ApiGroup
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.RequireAuthorization(SessionKeyAuthenticationHandler.PolicyName).Errors(StatusCodes.Status401Unauthorized);
        api.AddEndpointFilter(static async (context, next) =>
        {
            // Every argument is bound before this runs; a body that could not be read is answered here, so no handler
            // ever sees (or acts on) a rejected request.
            foreach (var argument in context.Arguments)
            {
                if (argument is IWireBody { Error: { } error })
                {
                    return ApiError.From(error);
                }
            }

            var http = context.HttpContext;
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (ErrorMapping.Map(e) is { } mapped)
            {
                return ApiError.From(mapped);
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
                return new ApiError(StatusCodes.Status500InternalServerError, "Internal Server Error", errorId: errorId);
            }
        });

        api.Map("/{**path}", (HttpContext http) => new ApiError(
                StatusCodes.Status404NotFound, $"Not Found: no route for {http.Request.Method} {http.Request.Path}"))
            .ExcludeFromDescription();
        return api;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {ErrorId} on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string errorId, string method, string path, Exception exception);
}
