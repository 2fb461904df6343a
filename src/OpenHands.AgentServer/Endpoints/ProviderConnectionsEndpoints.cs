using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/llm/provider-connections</c>: shared credentials that LLM profiles link to, wire-compatible with the Python
/// agent-server 1.43. No route ever answers a key, only <c>api_key_set</c>.
/// </summary>
internal static class ProviderConnectionsEndpoints
{
    private const int MaxNameLength = 128;
    private const int MaxBaseUrlLength = 2048;

    public static void Map(RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/llm/provider-connections").WithTags("provider-connections");
        connections.MapGet("", ListAsync).Errors(400, 503);
        connections.MapPost("", CreateAsync).Errors(400, 409, 413, 422, 503);
        connections.MapPatch("/{connection_id}", UpdateAsync).Errors(400, 404, 413, 422, 503);
        connections.MapDelete("/{connection_id}", DeleteAsync).Errors(400, 404, 409, 503);
    }

    private static async Task<WireOk<List<ProviderConnectionResponse?>>> ListAsync(IProviderConnectionStore store, CancellationToken cancellationToken)
    {
        var connections = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return new([.. connections.Select(c => (ProviderConnectionResponse?)ToResponse(c, c.ApiKeySet))]);
    }

    private static async Task<WireCreated<ProviderConnectionResponse>> CreateAsync(
        WireBody<CreateProviderConnectionRequest> body, IProviderConnectionStore store, CancellationToken cancellationToken)
    {
        var request = body.Value;
        RefuseExtra(request.Extra);
        var displayName = Required(request.DisplayName, "display_name");
        var provider = request.Provider is null ? ProviderConnection.DefaultProvider : Name(request.Provider, "provider");
        var apiKey = Required(request.ApiKey, "api_key", maxLength: null);
        var baseUrl = BaseUrl(request.BaseUrl);
        var created = await store.CreateAsync(displayName, provider, new SecretString(apiKey), baseUrl, cancellationToken).ConfigureAwait(false);
        return new(ToResponse(created, created.ApiKeySet));
    }

    private static async Task<WireOk<ProviderConnectionResponse>> UpdateAsync(
        [FromRoute(Name = "connection_id")] string connectionId, WireBody<UpdateProviderConnectionRequest> body, IProviderConnectionStore store, CancellationToken cancellationToken)
    {
        var request = body.Value;

        // Request validation first, as FastAPI does, then the empty body, then the lookup, then the key rule.
        RefuseExtra(request.Extra);
        if (request.DisplayNameSet && request.DisplayName is null)
        {
            throw ApiException.Validation("Value error, display_name cannot be set to null", "value_error", "body");
        }

        if (request.ProviderSet && request.Provider is null)
        {
            throw ApiException.Validation("Value error, provider cannot be set to null", "value_error", "body");
        }

        var displayName = request.DisplayNameSet ? Name(request.DisplayName!, "display_name") : null;
        var provider = request.ProviderSet ? Name(request.Provider!, "provider") : null;
        var baseUrl = request.BaseUrlSet ? BaseUrl(request.BaseUrl) : null;
        if (!request.ChangesAnything)
        {
            throw new ApiException(422, "Provide at least one provider connection field to update");
        }

        if (await store.GetAsync(connectionId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw ApiException.NotFound($"Provider connection '{connectionId}' not found");
        }

        // Stricter than Python, which lets a blank key clear the stored one: a key is rotated, never cleared.
        if (request.ApiKeySet && string.IsNullOrWhiteSpace(request.ApiKey))
        {
            throw new ApiException(422, "api_key cannot be cleared; provide a new key to rotate it");
        }

        var updated = await store.UpdateAsync(
            connectionId,
            c => c with
            {
                DisplayName = displayName ?? c.DisplayName,
                Provider = provider ?? c.Provider,
                ApiKey = request.ApiKeySet ? new SecretString(request.ApiKey!) : c.ApiKey,
                BaseUrl = request.BaseUrlSet ? baseUrl : c.BaseUrl,
            },
            cancellationToken).ConfigureAwait(false);
        return new(ToResponse(updated, updated.ApiKeySet));
    }

    private static async Task<WireOk<ProviderConnectionResponse>> DeleteAsync([FromRoute(Name = "connection_id")] string connectionId, IProviderConnectionStore store, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return new(ToResponse(deleted, apiKeySet: false));
    }

    private static ProviderConnectionResponse ToResponse(ProviderConnection c, bool apiKeySet) => new()
    {
        Id = c.Id,
        DisplayName = c.DisplayName,
        Provider = c.Provider,
        BaseUrl = c.BaseUrl,
        CreatedAt = c.CreatedAt.ToUnixTimeSeconds(),
        UpdatedAt = c.UpdatedAt.ToUnixTimeSeconds(),
        ApiKeySet = apiKeySet,
    };

    private static void RefuseExtra(Dictionary<string, System.Text.Json.JsonElement>? extra)
    {
        if (extra is { Count: > 0 })
        {
            throw ApiException.Validation("Extra inputs are not permitted", "extra_forbidden", "body", extra.Keys.Order(StringComparer.Ordinal).First());
        }
    }

    private static string Required(string? value, string field, int? maxLength = MaxNameLength) =>
        value is null
            ? throw ApiException.Validation("Field required", "missing", "body", field)
            : maxLength is null ? NonBlank(value, field) : Name(value, field);

    /// <summary>A name field: 1-128 characters, not blank (Python accepts a blank one; nothing can be done with it).</summary>
    private static string Name(string value, string field)
    {
        NonBlank(value, field);
        return value.Length > MaxNameLength
            ? throw ApiException.Validation($"String should have at most {MaxNameLength} characters", "string_too_long", "body", field)
            : value;
    }

    private static string NonBlank(string value, string field) =>
        string.IsNullOrWhiteSpace(value)
            ? throw ApiException.Validation("String should have at least 1 character", "string_too_short", "body", field)
            : value;

    private static string? BaseUrl(string? value) =>
        value is { Length: > MaxBaseUrlLength }
            ? throw ApiException.Validation($"String should have at most {MaxBaseUrlLength} characters", "string_too_long", "body", "base_url")
            : value;
}
