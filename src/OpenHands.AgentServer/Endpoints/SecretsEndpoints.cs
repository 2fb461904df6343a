using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/settings/secrets</c>: the server's custom secrets (<see cref="ServerSecretsStore"/>). Values are write-only:
/// no route returns one (the reference's <c>GET /{name}</c> returns the raw value; here it returns the name and
/// description), and they are Fernet-encrypted at rest when the server has a cipher.
/// </summary>
internal static class SecretsEndpoints
{
    private const string NameRule = "Secret name must start with a letter, contain only letters/numbers/underscores, and be 1-64 characters";

    public static void Map(RouteGroupBuilder api)
    {
        var secrets = api.MapGroup("/settings/secrets").WithTags("settings");
        secrets.MapGet("", ListAsync).Errors(409, 503);
        secrets.MapPut("", PutAsync).Errors(409, 413, 422, 503);
        secrets.MapGet("/{name}", GetAsync).Errors(404, 409, 422, 503);
        secrets.MapDelete("/{name}", DeleteAsync).Errors(404, 409, 422, 503);
    }

    private static async Task<WireOk<SecretsListResponse>> ListAsync(ServerSecretsStore store, CancellationToken cancellationToken)
    {
        var items = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return new(new SecretsListResponse { Secrets = [.. items.Select(i => new SecretItemResponse { Name = i.Name, Description = i.Description })] });
    }

    private static async Task<WireOk<SecretItemResponse>> PutAsync(WireBody<SecretCreateRequest> body, ServerSecretsStore store, CancellationToken cancellationToken)
    {
        var request = body.Value;
        if (request.Name is null)
        {
            throw ApiException.Validation("Field required", "missing", "body", "name");
        }

        if (!ServerSecretsStore.IsValidName(request.Name))
        {
            throw ApiException.Validation(NameRule, "string_pattern_mismatch", "body", "name");
        }

        if (request.Value is null)
        {
            throw ApiException.Validation("Field required", "missing", "body", "value");
        }

        await store.SetAsync(request.Name, request.Value, request.Description, cancellationToken).ConfigureAwait(false);
        return new(new SecretItemResponse { Name = request.Name, Description = request.Description });
    }

    private static async Task<WireOk<SecretItemResponse>> GetAsync(string name, ServerSecretsStore store, CancellationToken cancellationToken)
    {
        var (found, description) = await store.FindAsync(Checked(name), cancellationToken).ConfigureAwait(false);
        return found ? new(new SecretItemResponse { Name = name, Description = description }) : throw ApiException.NotFound("Secret not found");
    }

    private static async Task<WireOk<DeletedResponse>> DeleteAsync(string name, ServerSecretsStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(Checked(name), cancellationToken).ConfigureAwait(false) ? new(new DeletedResponse()) : throw ApiException.NotFound("Secret not found");

    private static string Checked(string name) =>
        ServerSecretsStore.IsValidName(name) ? name : throw ApiException.Validation(NameRule, "string_pattern_mismatch", "path", "name");
}
