using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The <c>/api</c> route group: the session-key scheme (<see cref="SessionKeyAuthenticationHandler"/>), one guard that
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
    /// The one error guard of a route group: a body that could not be read and an exception the one mapping
    /// (<see cref="ErrorMapping"/>) knows are answered by <paramref name="answer"/>; anything else is logged with an id and
    /// answered by <paramref name="unexpected"/> with that id only (the exception text could carry a secret).
    /// </summary>
    /// <remarks>
    /// Only a handler that takes a <see cref="WireBody{T}"/> runs through the endpoint filter pipeline, whose filter answers
    /// an unreadable body: with a filter, every call boxes its arguments and its result. Exceptions are caught around each
    /// endpoint's request delegate instead (binding, handler and result), while the response has not started.
    /// </remarks>
    public static void Guard(RouteGroupBuilder group, Func<ApiException, IResult> answer, Func<string, IResult> unexpected)
    {
        // Group conventions run before the endpoint's request delegate is made, with the handler's method already in
        // its metadata; an endpoint without one (a plain request delegate) keeps the filter.
        IEndpointConventionBuilder conventions = group;
        conventions.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is not { } method || TakesWireBody(method))
            {
                endpoint.FilterFactories.Add((_, next) => context => RejectUnreadBody(context, next, answer));
            }
        });

        // Finally conventions run after it was made: each endpoint's delegate is wrapped once.
        conventions.Finally(endpoint =>
        {
            if (endpoint.RequestDelegate is { } inner)
            {
                endpoint.RequestDelegate = http => RunGuardedAsync(http, inner, answer, unexpected);
            }
        });
    }

    private static bool TakesWireBody(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (typeof(IWireBody).IsAssignableFrom(parameter.ParameterType))
            {
                return true;
            }
        }

        return false;
    }

    // Every argument is bound before this runs; a body that could not be read is answered here, so no handler ever sees
    // (or acts on) a rejected request.
    private static ValueTask<object?> RejectUnreadBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next, Func<ApiException, IResult> answer)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IWireBody { Error: { } error })
            {
                return ValueTask.FromResult<object?>(answer(error));
            }
        }

        return next(context);
    }

    private static async Task RunGuardedAsync(HttpContext http, RequestDelegate inner, Func<ApiException, IResult> answer, Func<string, IResult> unexpected)
    {
        try
        {
            await inner(http).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted && ErrorMapping.Map(e) is { } mapped)
        {
            await answer(mapped).ExecuteAsync(http).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OpenHands.AgentServer");
            LogUnhandled(logger, errorId, http.Request.Method, http.Request.Path, e);
            await unexpected(errorId).ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {ErrorId} on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string errorId, string method, string path, Exception exception);
}
