using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/api/profiles</c>: LLM profile CRUD on the shared <see cref="ILlmProfileStore"/>.</summary>
internal static class ProfilesEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/profiles").WithTags("profiles");
        profiles.MapGet("", (Func<HttpContext, Task<IResult>>)(http => ListAsync(new ServerContext(http))));
        profiles.MapGet("/{name}", (HttpContext http, string name) => GetAsync(new ServerContext(http), name));
        profiles.MapPost("/{name}", (HttpContext http, string name) => SaveAsync(new ServerContext(http), name));
        profiles.MapDelete("/{name}", (HttpContext http, string name) => DeleteAsync(new ServerContext(http), name));
        profiles.MapPost("/{name}/rename", (HttpContext http, string name) => RenameAsync(new ServerContext(http), name));
        profiles.MapPost("/{name}/activate", (HttpContext http, string name) => ActivateAsync(new ServerContext(http), name));
        profiles.MapPost("/{name}/validate", (HttpContext http, string name) => ValidateAsync(new ServerContext(http), name));
    }

    private static async Task<IResult> ListAsync(ServerContext s)
    {
        var summaries = await s.Profiles.ListSummariesAsync(s.Aborted).ConfigureAwait(false);
        var settings = await s.Settings.LoadAsync(s.Aborted).ConfigureAwait(false);
        var items = new JsonArray();
        foreach (var p in summaries)
        {
            items.Add(new JsonObject
            {
                ["name"] = p.Name.Value,
                ["model"] = p.Model,
                ["base_url"] = p.BaseUrl,
                ["provider_connection_id"] = p.ProviderConnectionId,
                // Provider connections are not modeled: a linked profile cannot be resolved, so it reports broken.
                ["provider_connection_broken"] = p.ProviderConnectionId is not null,
                ["api_key_set"] = p.ApiKeySet,
            });
        }

        var active = settings.ActiveProfile is { } a && summaries.Any(p => p.Name == a) ? a.Value : null;
        return ApiResults.Json(new JsonObject { ["profiles"] = items, ["active_profile"] = active });
    }

    private static async Task<IResult> GetAsync(ServerContext s, string name)
    {
        var exposure = ExposeSecretsHeader.Parse(s.Http.Request, s.Cipher);   // checked before the lookup, as the reference
        var profile = Names.Parse(name, "path", "name");
        var llm = await s.Profiles.LoadAsync(profile, s.Aborted).ConfigureAwait(false);
        var config = LlmToJson(llm, exposure, s.Cipher);
        if (exposure == SecretExposure.Redacted)
        {
            config["api_key"] = null;
        }

        return ApiResults.Json(new JsonObject
        {
            ["name"] = profile.Value,
            ["config"] = config,
            ["api_key_set"] = llm.ApiKey is not null,
        });
    }

    private static async Task<IResult> SaveAsync(ServerContext s, string name)
    {
        var profile = Names.Parse(name, "path", "name");
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var llm = s.ReadLlm(RequestJson.RequiredObject(body, "llm"), "body", "llm");
        var includeSecrets = RequestJson.OptionalBool(body, "include_secrets", fallback: true);

        // An extension of the reference: "If-None-Match: *" only creates (checked under the store's lock), so a client that
        // materializes an LLM never overwrites a profile another client created a moment earlier.
        var createOnly = s.Http.Request.Headers.IfNoneMatch.Any(v => v?.Trim() == "*");
        try
        {
            await s.Profiles.SaveAsync(
                profile, llm, new ProfileSaveOptions { IncludeSecrets = includeSecrets, MaxProfiles = s.Options.MaxProfiles, CreateOnly = createOnly }, s.Aborted)
                .ConfigureAwait(false);
        }
        catch (ProfileAlreadyExistsException) when (createOnly)
        {
            throw new ApiException(StatusCodes.Status412PreconditionFailed, $"Profile '{profile}' already exists (If-None-Match: *); it was left as it is");
        }

        return ApiResults.Json(new JsonObject { ["name"] = profile.Value, ["message"] = $"Profile '{profile}' saved" }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteAsync(ServerContext s, string name)
    {
        var profile = Names.Parse(name, "path", "name");
        await s.Profiles.DeleteAsync(profile, s.Aborted).ConfigureAwait(false);
        if ((await s.Settings.LoadAsync(s.Aborted).ConfigureAwait(false)).ActiveProfile == profile)
        {
            await s.Settings.UpdateAsync(x => x.ActiveProfile == profile ? x with { ActiveProfile = null } : x, s.Aborted).ConfigureAwait(false);
        }

        return ApiResults.Json(new JsonObject { ["name"] = profile.Value, ["message"] = $"Profile '{profile}' deleted" });
    }

    private static async Task<IResult> RenameAsync(ServerContext s, string name)
    {
        var profile = Names.Parse(name, "path", "name");
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var newName = Names.Parse(RequestJson.RequiredString(body, "new_name"), "body", "new_name");
        if (newName == profile)
        {
            if (!await s.Profiles.ExistsAsync(profile, s.Aborted).ConfigureAwait(false))
            {
                throw ApiException.NotFound($"Profile '{profile}' not found");
            }

            return ApiResults.Json(new JsonObject { ["name"] = profile.Value, ["message"] = $"Profile '{profile}' unchanged (same name)" });
        }

        await s.Profiles.RenameAsync(profile, newName, s.Aborted).ConfigureAwait(false);
        if ((await s.Settings.LoadAsync(s.Aborted).ConfigureAwait(false)).ActiveProfile == profile)
        {
            await s.Settings.UpdateAsync(x => x.ActiveProfile == profile ? x with { ActiveProfile = newName } : x, s.Aborted).ConfigureAwait(false);
        }

        return ApiResults.Json(new JsonObject { ["name"] = newName.Value, ["message"] = $"Profile '{profile}' renamed to '{newName}'" });
    }

    private static async Task<IResult> ActivateAsync(ServerContext s, string name)
    {
        var profile = Names.Parse(name, "path", "name");
        await s.Settings.ActivateProfileAsync(profile, s.Aborted).ConfigureAwait(false);
        return ApiResults.Json(new JsonObject
        {
            ["name"] = profile.Value,
            ["message"] = $"Profile '{profile}' activated; settings point to it and the LLM is resolved from the profile when used",
            // Kept for clients of the reference: the profile is what the settings now use (by reference, not by copy).
            ["llm_applied"] = true,
        });
    }

    private static async Task<IResult> ValidateAsync(ServerContext s, string name)
    {
        Names.Parse(name, "path", "name");
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        var llm = s.ReadLlm(RequestJson.RequiredObject(body, "llm"), "body", "llm") with { NumRetries = 0 };
        JsonNode? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(s.Aborted);
        timeout.CancelAfter(s.Options.ValidateTimeout);
        try
        {
            using var client = s.ChatClients.CreateClient(llm);
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "ping")], new ChatOptions { MaxOutputTokens = 1 }, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is LlmRateLimitException or LlmTimeoutException
                                  || (e is OperationCanceledException && !s.Aborted.IsCancellationRequested))
        {
            // Transient: the configuration may well be right, as the reference decides.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = new JsonObject { ["type"] = PythonErrorType(e), ["message"] = Redact(e.Message, llm) };
        }

        return ApiResults.Json(new JsonObject { ["valid"] = error is null, ["error"] = error });
    }

    internal static JsonObject LlmToJson(Llm llm, SecretExposure exposure, Cipher? cipher)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LlmJsonCodec.Write(writer, llm, exposure, cipher, isProfileFile: false);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
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

    private static string Redact(string message, Llm llm)
    {
        foreach (var secret in new[] { llm.ApiKey, llm.AwsAccessKeyId, llm.AwsSecretAccessKey, llm.AwsSessionToken })
        {
            if (secret is not null && secret.Reveal().Length > 0)
            {
                message = message.Replace(secret.Reveal(), SecretString.Redacted, StringComparison.Ordinal);
            }
        }

        return message;
    }
}
