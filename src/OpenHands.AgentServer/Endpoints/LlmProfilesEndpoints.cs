using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/llm-profiles</c>: the seed PR's (#2485) view of the same profile store <c>/api/profiles</c> shows (one store,
/// two views). The profile's name is its <c>id</c>. No secret is ever answered here, and without a cipher a profile that
/// carries a secret is refused rather than stored in plaintext.
/// </summary>
internal static class LlmProfilesEndpoints
{
    public const string NoCipherMessage =
        "OH_SECRET_KEY must be configured to store LLM profiles with secrets. Fix: start the server with OH_SECRET_KEY set "
        + "(or AgentServer:SecretKey), or save a profile without api_key and AWS credentials.";

    public static void Map(RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/llm-profiles").WithTags("llm-profiles");
        profiles.MapGet("", ListAsync).Errors(503);
        profiles.MapGet("/{profile_id}", GetAsync).Errors(400, 404, 422, 503);
        profiles.MapPut("/{profile_id}", PutAsync).Errors(400, 409, 413, 422, 503);
        profiles.MapDelete("/{profile_id}", DeleteAsync).Errors(404, 409, 422, 503);
    }

    private static async Task<WireOk<LlmProfileListResponse>> ListAsync(ILlmProfileStore store, CancellationToken cancellationToken)
    {
        var items = new List<LlmProfileResponse>();
        foreach (var name in await store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (await store.TryLoadAsync(name, cancellationToken).ConfigureAwait(false) is { } llm)
                {
                    items.Add(Response(name, llm));
                }
            }
            catch (Exception e) when (e is InvalidProfileException or SecretDecryptionException)
            {
                // an unreadable profile is not listed here (GET /api/profiles lists it, and its detail says why)
            }
        }

        return new(new LlmProfileListResponse { Profiles = items });
    }

    private static async Task<WireOk<LlmProfileResponse>> GetAsync(string profile_id, ILlmProfileStore store, CancellationToken cancellationToken)
    {
        var name = Names.Parse(profile_id, "path", "profile_id");
        var llm = await store.TryLoadAsync(name, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound($"Profile '{name}' not found");
        return new(Response(name, llm));
    }

    private static async Task<WireOk<LlmProfileResponse>> PutAsync(
        string profile_id, WireBody<UpsertLlmProfileRequest> body, ILlmProfileStore store, ServerCipher cipher, IOptions<AgentServerOptions> options,
        CancellationToken cancellationToken)
    {
        var name = Names.Parse(profile_id, "path", "profile_id");
        var llm = WireLlm.Read(body.Value.Llm, cipher.Cipher, "body", "llm");
        if (cipher.Cipher is null && WireLlm.HasSecretField(llm))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, NoCipherMessage);
        }

        await store.SaveAsync(name, llm, new ProfileSaveOptions { IncludeSecrets = true, MaxProfiles = options.Value.MaxProfiles }, cancellationToken).ConfigureAwait(false);
        return new(Response(name, llm));
    }

    private static async Task<WireOk<SuccessResponse>> DeleteAsync(
        string profile_id, ILlmProfileStore store, IAgentProfileStore agents, Sdk.Settings.ISettingsStore settings, CancellationToken cancellationToken)
    {
        var name = Names.Parse(profile_id, "path", "profile_id");
        if (!await agents.DeleteLlmProfileAsync(store, name, cancellationToken).ConfigureAwait(false))
        {
            throw ApiException.NotFound($"Profile '{name}' not found");
        }

        await settings.UpdateAsync(x => x.ActiveProfile == name ? x with { ActiveProfile = null } : x, cancellationToken).ConfigureAwait(false);
        return new(SuccessResponse.Instance);
    }

    private static LlmProfileResponse Response(ProfileName name, Llm llm) =>
        new() { Id = name.Value, Llm = WireLlm.Snapshot(llm), ApiKeySet = llm.ApiKey is not null };
}
