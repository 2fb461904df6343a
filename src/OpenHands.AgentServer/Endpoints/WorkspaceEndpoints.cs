using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using OpenHands.AgentServer.Internal;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/conversations/{id}/workspace/{file_path}</c>: a conversation's own working folder as a static file server, as
/// in the Python server: a file comes back with its content type, a folder as its <c>index.html</c> (404 without one).
/// Every path is confined to that folder by the one confinement rule (<see cref="WorkspacePaths"/>).
/// </summary>
internal static class WorkspaceEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(RouteGroupBuilder api)
    {
        var w = api.MapGroup("/conversations").WithTags("workspace");
        w.MapGet("/{id}/workspace", (string id, ConversationService service, CancellationToken cancellationToken) => ServeAsync(id, null, service, cancellationToken))
            .Produces<byte[]>(StatusCodes.Status200OK, FileEndpoints.OctetStream).Errors(400, 404, 422);
        w.MapGet("/{id}/workspace/{**file_path}", ServeAsync).Produces<byte[]>(StatusCodes.Status200OK, FileEndpoints.OctetStream).Errors(400, 404, 422);
    }

    private static async Task<IResult> ServeAsync(string id, string? file_path, ConversationService service, CancellationToken cancellationToken)
    {
        var entry = await service.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var folder = entry.Conversation.State.WorkingDirectory;
        if (!Directory.Exists(folder))
        {
            throw ApiException.NotFound("Workspace directory does not exist");
        }

        var paths = new WorkspacePaths(folder);
        var target = string.IsNullOrEmpty(file_path) ? paths.RealRoot() : paths.Resolve(file_path, "path", "file_path");
        if (Directory.Exists(target))
        {
            target = Path.Combine(target, "index.html");
            if (!File.Exists(target))
            {
                throw ApiException.NotFound("No index.html in directory");
            }
        }
        else if (!File.Exists(target))
        {
            throw ApiException.NotFound("File not found");
        }

        return TypedResults.PhysicalFile(target, ContentTypes.TryGetContentType(target, out var type) ? type : FileEndpoints.OctetStream);
    }
}
