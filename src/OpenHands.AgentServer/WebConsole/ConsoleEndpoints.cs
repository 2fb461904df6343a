using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace OpenHands.AgentServer.WebConsole;

/// <summary>
/// The web console under <c>/console/</c>: plain HTML, CSS and JavaScript modules embedded in this assembly (no CDN, no
/// build step, works offline), served with a Content-Security-Policy that allows this origin only. The files are open;
/// everything they show comes from the <c>/api</c> routes, behind the session key the user types into the page.
/// </summary>
internal static class ConsoleEndpoints
{
    /// <summary>The console's address (with the trailing slash its relative module paths need).</summary>
    public const string Path = "/console/";

    /// <summary>
    /// Scripts, styles, images and connections (REST and the events websocket) from this origin only; no inline script
    /// or style, no plugins, no framing, no form posts anywhere, no <c>&lt;base&gt;</c> rewriting.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

    private static readonly ManifestEmbeddedFileProvider Files = new(typeof(ConsoleEndpoints).Assembly, "WebConsole/files");
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.ServiceProvider.GetService<ConsoleMarker>()?.MarkMapped();
        // One route for "/console", "/console/" and the files (routing ignores a trailing slash, so a second route for
        // "/console" would also catch "/console/").
        endpoints.MapGet("/console/{**path}", Serve).ExcludeFromDescription();
    }

    private static Results<FileStreamHttpResult, NotFound, RedirectHttpResult> Serve(string? path, HttpContext http)
    {
        if (string.IsNullOrEmpty(path) && http.Request.Path.Value?.EndsWith('/') != true)
        {
            return TypedResults.Redirect(http.Request.PathBase + Path);   // the pages' relative paths need the slash
        }

        var file = Files.GetFileInfo(string.IsNullOrEmpty(path) ? "index.html" : path);
        if (!file.Exists || file.IsDirectory)
        {
            return TypedResults.NotFound();
        }

        if (!ContentTypes.TryGetContentType(file.Name, out var contentType))
        {
            contentType = "application/octet-stream";
        }

        var headers = http.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers[HeaderNames.CacheControl] = "no-cache";   // revalidated with the ETag, so an upgraded server serves its own files
        var tag = new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\"");
        return TypedResults.Stream(file.CreateReadStream(), contentType, lastModified: file.LastModified, entityTag: tag);
    }
}
