using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/api/git</c>: the git view of a repository in the workspace root (<see cref="GitService"/>); every <c>path</c> is confined to the root.</summary>
internal static class GitEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/git").WithTags("git");
        g.MapGet("/changes", ChangesAsync).Errors(400, 422);
        g.MapGet("/diff", DiffAsync).Errors(400, 422);
        g.MapGet("/commits", CommitsAsync).Errors(400, 422);
        g.MapGet("/commits/{sha}/changes", CommitChangesAsync).Errors(400, 422);
    }

    private static async Task<WireOk<List<GitChange>>> ChangesAsync(HttpRequest request, GitService git, CancellationToken cancellationToken)
    {
        var path = git.Paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        var reference = QueryValues.Text(request.Query, "ref");
        GitService.CheckRef(reference, "ref");
        return new(await git.ChangesAsync(path, reference, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<WireOk<GitDiff>> DiffAsync(HttpRequest request, GitService git, CancellationToken cancellationToken)
    {
        var path = git.Paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        var reference = QueryValues.Text(request.Query, "ref");
        var commit = QueryValues.Text(request.Query, "commit");
        GitService.CheckRef(reference, "ref");
        if (commit is not null && !GitService.ShaPattern().IsMatch(commit))
        {
            throw ApiException.Validation("String should match pattern '^[0-9a-fA-F]{4,64}$'", "string_pattern_mismatch", "query", "commit");
        }

        if (reference is not null && commit is not null)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "'ref' and 'commit' are mutually exclusive");
        }

        return new(commit is not null
            ? await git.CommitFileDiffAsync(path, commit, cancellationToken).ConfigureAwait(false)
            : await git.DiffAsync(path, reference, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<WireOk<GitCommitsPage>> CommitsAsync(HttpRequest request, GitService git, CancellationToken cancellationToken)
    {
        var path = git.Paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        var limit = QueryValues.Limit(request.Query, max: 200, fallback: 50);
        return new(await git.CommitsAsync(path, limit, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<WireOk<List<GitChange>>> CommitChangesAsync(string sha, HttpRequest request, GitService git, CancellationToken cancellationToken)
    {
        if (!GitService.ShaPattern().IsMatch(sha))
        {
            throw ApiException.Validation("String should match pattern '^[0-9a-fA-F]{4,64}$'", "string_pattern_mismatch", "path", "sha");
        }

        var path = git.Paths.Resolve(QueryValues.Text(request.Query, "path"), "query", "path");
        return new(await git.CommitChangesAsync(path, sha, cancellationToken).ConfigureAwait(false));
    }
}
