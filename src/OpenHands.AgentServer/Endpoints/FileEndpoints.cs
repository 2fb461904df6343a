using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/file</c>: upload, download, create folders and browse, confined to the workspace root
/// (<see cref="WorkspacePaths"/>); a conversation's trajectory and folder archives are <see cref="FileArchives"/>.
/// </summary>
internal static class FileEndpoints
{
    public const string OctetStream = "application/octet-stream";

    public static void Map(RouteGroupBuilder api)
    {
        var f = api.MapGroup("/file").WithTags("files");
        f.MapPost("/upload", UploadAsync).Errors(400, 413, 422).WithMetadata(new FileUploadMetadata("file")).DisableAntiforgery();
        f.MapGet("/download", Download).Produces<byte[]>(StatusCodes.Status200OK, OctetStream).Errors(400, 404, 422);
        f.MapPost("/create_directory", CreateDirectory).Errors(400, 422);
        f.MapGet("/home", Home).Errors(422);
        f.MapGet("/search_subdirs", SearchSubdirectories).Errors(400, 404, 422);
        f.MapGet("/download-trajectory/{conversation_id}", FileArchives.TrajectoryAsync).Produces<byte[]>(StatusCodes.Status200OK, "application/zip").Errors(404, 422);
        f.MapGet("/archive", FileArchives.ArchiveAsync).Produces<byte[]>(StatusCodes.Status200OK, "application/gzip").Errors(400, 404, 422);
    }

    /// <summary>
    /// Writes the form's <c>file</c> to <c>path</c> atomically (a temp file beside it, renamed over it): a reader never
    /// sees half an upload, and a failed upload leaves the old file. Missing parent folders are created.
    /// </summary>
    private static async Task<WireOk<SuccessResponse>> UploadAsync(HttpRequest request, WorkspacePaths paths, IOptions<AgentServerOptions> options, CancellationToken cancellationToken)
    {
        var target = paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        if (Directory.Exists(target) || target == paths.RealRoot())
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is a folder: give the path of the file to write.");
        }

        var limit = options.Value.MaxUploadBytes;
        if (request.ContentLength > limit + (64 * 1024))
        {
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"Upload too large: the limit is {limit} bytes.");
        }

        if (!request.HasFormContentType)
        {
            throw ApiException.Validation("Field required", "missing", "body", "file");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + (64 * 1024);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueCountLimit = 16 }, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"Upload too large or malformed: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            throw new ApiException(e.StatusCode, e.Message);
        }

        var file = form.Files.GetFile("file") ?? throw ApiException.Validation("Field required", "missing", "body", "file");
        var parent = Path.GetDirectoryName(target)!;
        if (File.Exists(parent))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "A parent of the path is a file, not a folder.");
        }

        Directory.CreateDirectory(parent);
        await using var source = file.OpenReadStream();
        await AtomicFile.WriteAsync(target, source, cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.PhysicalFileHttpResult Download(HttpRequest request, WorkspacePaths paths)
    {
        var target = paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        if (Directory.Exists(target))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is not a file");
        }

        if (!File.Exists(target))
        {
            throw ApiException.NotFound("File not found");
        }

        return TypedResults.PhysicalFile(target, OctetStream, Path.GetFileName(target));
    }

    private static WireOk<SuccessResponse> CreateDirectory(HttpRequest request, WorkspacePaths paths)
    {
        var target = paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        if (File.Exists(target))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path exists and is not a directory");
        }

        try
        {
            Directory.CreateDirectory(target);
        }
        catch (IOException)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path exists and is not a directory");
        }

        return new(SuccessResponse.Instance);
    }

    /// <summary>The workspace root as the home folder: its top folders as favorites, the root as the one location.</summary>
    private static WireOk<HomeResponse> Home(HttpRequest request, WorkspacePaths paths)
    {
        var includeHidden = QueryValues.Bool(request.Query, "include_hidden");
        paths.EnsureRoot();
        var root = paths.RealRoot();
        var favorites = Subdirectories(root, includeHidden).Take(50).Select(d => new FileBrowserEntry { Label = d.Name, Path = d.Path }).ToList();
        return new(new HomeResponse { Home = root, Favorites = favorites, Locations = [new FileBrowserEntry { Label = "workspace", Path = root }] });
    }

    private static WireOk<SubdirectoryPage> SearchSubdirectories(HttpRequest request, WorkspacePaths paths)
    {
        var query = request.Query;
        var limit = QueryValues.Limit(query);
        var includeHidden = QueryValues.Bool(query, "include_hidden");
        var pageId = QueryValues.Text(query, "page_id");
        var target = paths.Resolve(QueryValues.Text(query, "path"), "query", "path");
        if (File.Exists(target))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "Path is not a directory");
        }

        if (!Directory.Exists(target))
        {
            throw ApiException.NotFound("Directory not found");
        }

        var entries = Subdirectories(target, includeHidden).ToList();
        var start = pageId is null ? 0 : Math.Max(0, entries.FindIndex(e => string.Equals(e.Name, pageId, StringComparison.OrdinalIgnoreCase)));
        var next = start + limit < entries.Count ? entries[start + limit].Name.ToLowerInvariant() : null;
        return new(new SubdirectoryPage { Items = entries.Skip(start).Take(limit).ToList(), NextPageId = next });
    }

    /// <summary>The immediate sub-folders (never links), sorted by name regardless of case.</summary>
    private static IEnumerable<SubdirectoryEntry> Subdirectories(string folder, bool includeHidden)
    {
        var found = new List<SubdirectoryEntry>();
        try
        {
            foreach (var directory in new DirectoryInfo(folder).EnumerateDirectories())
            {
                if ((includeHidden || !directory.Name.StartsWith('.')) && directory.LinkTarget is null)
                {
                    found.Add(new SubdirectoryEntry { Name = directory.Name, Path = directory.FullName });
                }
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ApiException(StatusCodes.Status403Forbidden, $"Permission denied: {e.Message}");
        }

        return found.OrderBy(e => e.Name.ToLowerInvariant(), StringComparer.Ordinal);
    }
}
