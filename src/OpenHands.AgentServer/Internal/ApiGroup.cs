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
        Guard(api, ApiError.From, errorId => new ApiError(StatusCodes.Status500InternalServerError, "Internal Server Error", errorId: errorId));

        api.Map("/{**path}", (HttpContext http) => new ApiError(
                StatusCodes.Status404NotFound, $"Not Found: no route for {http.Request.Method} {http.Request.Path}"))
            .ExcludeFromDescription();
        return api;
    }

    /// <summary>
    /// The one error filter of a route group: a body that could not be read and an exception the one mapping
    /// (<see cref="ErrorMapping"/>) knows are answered by <paramref name="answer"/>; anything else is logged with an id and
    /// answered by <paramref name="unexpected"/> with that id only (the exception text could carry a secret).
    /// </summary>
    public static void Guard(RouteGroupBuilder group, Func<ApiException, IResult> answer, Func<string, IResult> unexpected)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            // Every argument is bound before this runs; a body that could not be read is answered here, so no handler
            // ever sees (or acts on) a rejected request.
            foreach (var argument in context.Arguments)
            {
                if (argument is IWireBody { Error: { } error })
                {
                    return answer(error);
                }
            }

            var http = context.HttpContext;
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (ErrorMapping.Map(e) is { } mapped)
            {
                return answer(mapped);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OpenHands.AgentServer");
                LogUnhandled(logger, errorId, http.Request.Method, http.Request.Path, e);
                return unexpected(errorId);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {ErrorId} on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string errorId, string method, string path, Exception exception);
}
