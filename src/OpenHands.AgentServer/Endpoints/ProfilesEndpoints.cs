using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/api/profiles</c>: LLM profile CRUD on the shared <see cref="ILlmProfileStore"/>.</summary>
internal static class ProfilesEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/profiles").WithTags("profiles");
        profiles.MapGet("", ListAsync).Errors(400, 503);
        profiles.MapGet("/{name}", GetAsync).Errors(400, 404, 422, 503);
        profiles.MapPost("/{name}", SaveAsync).Errors(400, 409, 412, 413, 422, 503);
        profiles.MapDelete("/{name}", DeleteAsync).Errors(400, 409, 422, 503);
        profiles.MapPost("/{name}/rename", RenameAsync).Errors(404, 409, 413, 422, 503);
        profiles.MapPost("/{name}/activate", ActivateAsync).Errors(404, 409, 422, 503);
        profiles.MapPost("/{name}/validate", ValidateAsync).Errors(413, 422);
    }

    internal static async Task<WireBytes<ProfileListResponse>> ListAsync(
        ILlmProfileStore store, ISettingsStore settings, IProviderConnectionStore connections, ProfileListingCache cache, CancellationToken cancellationToken)
    {
        var summaries = await store.ListSummariesAsync(cancellationToken).ConfigureAwait(false);
        var current = await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        var active = current.ActiveProfile is { } a && Lists(summaries, a) ? a.Value : null;
        if (cache.TryGet(summaries, active) is { } json)
        {
            return new(json);
        }

        // Read once, with the server's keys: a corrupt or undecryptable connections file fails the list (400), as in Python.
        var anyLinked = summaries.Any(p => !string.IsNullOrEmpty(p.ProviderConnectionId));
        var linked = anyLinked
            ? (await connections.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Id, StringComparer.Ordinal)
            : [];
        var items = new ProfileSummaryItem[summaries.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var p = summaries[i];
            var connectionId = string.IsNullOrEmpty(p.ProviderConnectionId) ? null : p.ProviderConnectionId;   // "" is "not linked" everywhere
            var connection = connectionId is null ? null : linked.GetValueOrDefault(connectionId);
            items[i] = new ProfileSummaryItem
            {
                Name = p.Name.Value,
                Model = p.Model,
                BaseUrl = p.BaseUrl,
                ProviderConnectionId = p.ProviderConnectionId,
                ProviderConnectionBroken = connectionId is not null && connection is null,
                ApiKeySet = p.ApiKeySet || connection?.ApiKeySet == true,
            };
        }

        var answer = WireBytes<ProfileListResponse>.Of(new ProfileListResponse { Profiles = items, ActiveProfile = active });
        if (!anyLinked)
        {
            cache.Set(summaries, active, answer.Json);
        }

        return answer;
    }

    private static bool Lists(IReadOnlyList<LlmProfileSummary> summaries, ProfileName name)
    {
        for (var i = 0; i < summaries.Count; i++)   // no closure: this runs on every listing
        {
            if (summaries[i].Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<WireOk<ProfileDetailResponse>> GetAsync(
        string name, [FromHeader(Name = ExposeSecretsHeader.Name)] string? exposeSecrets, ILlmProfileStore store, IProviderConnectionStore connections,
        ServerCipher cipher, CancellationToken cancellationToken)
    {
        var exposure = ExposeSecretsHeader.Parse(exposeSecrets, cipher.Cipher);   // checked before the lookup, as the reference
        var profile = Names.Parse(name, "path", "name");
        var llm = await store.LoadAsync(profile, cancellationToken).ConfigureAwait(false);

        // Shown as stored (a linked profile has no key of its own); api_key_set tells whether its connection has one.
        var keySet = llm.ApiKey is not null || (!string.IsNullOrEmpty(llm.ProviderConnectionId)
            && (await connections.GetAsync(llm.ProviderConnectionId, cancellationToken).ConfigureAwait(false))?.ApiKeySet == true);
        var body = new ProfileDetailResponse { Name = profile.Value, Config = WireLlm.ForDetail(llm, exposure), ApiKeySet = keySet };
        return new(body, WireJson.Contract<ProfileDetailResponse>(exposure, cipher.Cipher));
    }

    private static async Task<WireCreated<ProfileMessageResponse>> SaveAsync(
        string name, WireBody<SaveProfileRequest> body, HttpRequest request, ILlmProfileStore store, ServerCipher cipher, IOptions<AgentServerOptions> options,
        CancellationToken cancellationToken)
    {
        var profile = Names.Parse(name, "path", "name");
        var llm = WireLlm.Read(body.Value.Llm, cipher.Cipher, "body", "llm");

        // An extension of the reference: "If-None-Match: *" only creates (checked under the store's lock), so a client that
        // materializes an LLM never overwrites a profile another client created a moment earlier.
        var createOnly = request.Headers.IfNoneMatch.Any(v => v?.Trim() == "*");
        try
        {
            var save = new ProfileSaveOptions { IncludeSecrets = body.Value.IncludeSecrets, MaxProfiles = options.Value.MaxProfiles, CreateOnly = createOnly };
            await store.SaveAsync(profile, llm, save, cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileAlreadyExistsException) when (createOnly)
        {
            throw new ApiException(StatusCodes.Status412PreconditionFailed, $"Profile '{profile}' already exists (If-None-Match: *); it was left as it is");
        }

        return new(new ProfileMessageResponse { Name = profile.Value, Message = $"Profile '{profile}' saved" });
    }

    private static async Task<WireOk<ProfileMessageResponse>> DeleteAsync(
        string name, ILlmProfileStore store, IAgentProfileStore agents, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var profile = Names.Parse(name, "path", "name");

        // The settings are read first: a corrupt settings.json is a 409 before the profile is touched.
        var current = await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        await agents.DeleteLlmProfileAsync(store, profile, cancellationToken).ConfigureAwait(false);   // 409 while an agent profile refers to it
        if (current.ActiveProfile == profile)
        {
            await settings.UpdateAsync(x => x.ActiveProfile == profile ? x with { ActiveProfile = null } : x, cancellationToken).ConfigureAwait(false);
        }

        return new(new ProfileMessageResponse { Name = profile.Value, Message = $"Profile '{profile}' deleted" });
    }

    private static async Task<WireOk<ProfileMessageResponse>> RenameAsync(
        string name, WireBody<RenameProfileRequest> body, ILlmProfileStore store, IAgentProfileStore agents, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var profile = Names.Parse(name, "path", "name");
        var newName = Names.Parse(body.Value.NewName ?? throw ApiException.Validation("Field required", "missing", "body", "new_name"), "body", "new_name");
        if (newName == profile)
        {
            return await store.ExistsAsync(profile, cancellationToken).ConfigureAwait(false)
                ? new(new ProfileMessageResponse { Name = profile.Value, Message = $"Profile '{profile}' unchanged (same name)" })
                : throw ApiException.NotFound($"Profile '{profile}' not found");
        }

        var current = await settings.LoadAsync(cancellationToken).ConfigureAwait(false);   // a corrupt file: 409 before the rename
        await agents.RenameLlmProfileAsync(store, profile, newName, cancellationToken).ConfigureAwait(false);   // agent profiles follow
        if (current.ActiveProfile == profile)
        {
            await settings.UpdateAsync(x => x.ActiveProfile == profile ? x with { ActiveProfile = newName } : x, cancellationToken).ConfigureAwait(false);
        }

        return new(new ProfileMessageResponse { Name = newName.Value, Message = $"Profile '{profile}' renamed to '{newName}'" });
    }

    private static async Task<WireOk<ActivateProfileResponse>> ActivateAsync(
        string name, ISettingsStore settings, ProfileResolver resolver, CancellationToken cancellationToken)
    {
        var profile = Names.Parse(name, "path", "name");

        // Resolved once before the pointer moves: a profile linked to a missing connection is a 422 naming it, as in Python.
        await resolver.ResolveAsync(new ProfileReference(profile), cancellationToken).ConfigureAwait(false);
        await settings.ActivateProfileAsync(profile, cancellationToken).ConfigureAwait(false);
        return new(new ActivateProfileResponse
        {
            Name = profile.Value,
            Message = $"Profile '{profile}' activated; settings point to it and the LLM is resolved from the profile when used",
        });
    }

    private static async Task<WireOk<ValidateProfileResponse>> ValidateAsync(
        string name, WireBody<ValidateProfileRequest> body, ServerCipher cipher, LlmChatClientFactory clients, IOptions<AgentServerOptions> options,
        CancellationToken cancellationToken)
    {
        Names.Parse(name, "path", "name");
        var llm = WireLlm.Read(body.Value.Llm, cipher.Cipher, "body", "llm") with { NumRetries = 0 };
        ValidationFailure? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ValidateTimeout);
        try
        {
            using var client = clients.CreateClient(llm);
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "ping")], new ChatOptions { MaxOutputTokens = 1 }, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is LlmRateLimitException or LlmTimeoutException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Transient: the configuration may well be right, as the reference decides.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = new ValidationFailure { Type = PythonErrorType(e), Message = SecretRedactor.Redact(e.Message, llm) };
        }

        return new(new ValidateProfileResponse { Valid = error is null, Error = error });
    }

    private static string PythonErrorType(Exception e) => e switch
    {
        LlmBadRequestException => "LLMBadRequestError",
        LlmAuthenticationException => "LLMAuthenticationError",
        LlmServiceUnavailableException => "LLMServiceUnavailableError",
        LlmContextWindowExceededException => "LLMContextWindowExceedError",
        LlmNoResponseException => "LLMNoResponseError",
        _ => e.GetType().Name,
    };
}
