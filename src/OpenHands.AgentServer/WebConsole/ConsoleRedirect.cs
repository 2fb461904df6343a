using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace OpenHands.AgentServer.WebConsole;

/// <summary>
/// Sends a browser that opens the server's root to the console: a <c>GET /</c> whose <c>Accept</c> prefers HTML
/// (<c>text/html</c> or <c>application/xhtml+xml</c> with a higher quality than <c>application/json</c>) is answered
/// with 302 to <c>/console/</c>. Every other request, JSON clients of <c>GET /</c> included, goes on to the endpoints
/// untouched, so this composes with any <c>GET /</c> handler the host or the server maps.
/// </summary>
/// <remarks>A startup filter, so it runs first in the pipeline without the host adding a middleware by hand.</remarks>
internal sealed class ConsoleRedirect(ConsoleMarker marker) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (!marker.IsMapped || !IsRoot(context.Request) || !PrefersHtml(context.Request.Headers.Accept))
            {
                return nextMiddleware(context);
            }

            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = context.Request.PathBase + ConsoleEndpoints.Path;
            context.Response.Headers.Vary = HeaderNames.Accept;
            return Task.CompletedTask;
        });
        next(app);
    };

    /// <summary>Whether an <c>Accept</c> header asks for HTML before JSON (a browser's navigation does; <c>*/*</c> does not).</summary>
    internal static bool PrefersHtml(IList<string> accept)
    {
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        double html = 0, json = 0;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }

        return html > 0 && html > json;
    }

    private static bool IsRoot(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.Value is null or "" or "/";
}
