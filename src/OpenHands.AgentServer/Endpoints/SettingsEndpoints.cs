using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Settings.Internal;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/api/settings</c>: settings without any LLM; the active profile is a pointer.</summary>
internal static class SettingsEndpoints
{
    public const string DeprecationNoticeHeader = "X-OpenHands-Deprecation-Notice";

    private const string AtLeastOne =
        "At least one of agent_settings_diff, conversation_settings_diff, misc_settings_diff, active_profile, or active_agent_profile_id must be provided";

    public static void Map(RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("settings");
        settings.MapGet("", (Func<HttpContext, Task<IResult>>)(http => GetAsync(new ServerContext(http))));
        settings.MapPatch("", (Func<HttpContext, Task<IResult>>)(http => PatchAsync(new ServerContext(http))));
    }

    private static async Task<IResult> GetAsync(ServerContext s)
    {
        // No secrets live in the settings, so the header changes nothing; it is still checked as the reference does.
        ExposeSecretsHeader.Parse(s.Http.Request, s.Cipher);
        var settings = await s.Settings.LoadAsync(s.Aborted).ConfigureAwait(false);
        return ApiResults.Json(await ResponseAsync(s, settings).ConfigureAwait(false));
    }

    private static async Task<IResult> PatchAsync(ServerContext s)
    {
        var body = await s.ReadBodyAsync().ConfigureAwait(false);
        string[] fields = ["agent_settings_diff", "conversation_settings_diff", "misc_settings_diff", "active_profile", "active_agent_profile_id"];
        if (!fields.Any(f => body.TryGetProperty(f, out _)))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, AtLeastOne);
        }

        var agentDiff = DiffObject(body, "agent_settings_diff");
        var conversationDiff = DiffObject(body, "conversation_settings_diff");
        var miscDiff = DiffObject(body, "misc_settings_diff");

        var setActive = body.TryGetProperty("active_profile", out var activeElement);
        ProfileName? active = null;
        if (setActive && activeElement.ValueKind != JsonValueKind.Null)
        {
            if (activeElement.ValueKind != JsonValueKind.String)
            {
                throw ApiException.Validation("Input should be a valid string", "string_type", "body", "active_profile");
            }

            active = Names.Parse(activeElement.GetString(), "body", "active_profile");
            if (!await s.Profiles.ExistsAsync(active.Value, s.Aborted).ConfigureAwait(false))
            {
                throw ApiException.NotFound($"Profile '{active}' not found");
            }
        }

        var setAgentProfile = body.TryGetProperty("active_agent_profile_id", out var agentProfileElement);
        string? agentProfileId = null;
        if (setAgentProfile && agentProfileElement.ValueKind != JsonValueKind.Null)
        {
            if (agentProfileElement.ValueKind != JsonValueKind.String || !Guid.TryParse(agentProfileElement.GetString(), out _))
            {
                throw ApiException.Validation("active_agent_profile_id must be a UUID string or null", "string_pattern_mismatch", "body", "active_agent_profile_id");
            }

            agentProfileId = agentProfileElement.GetString();
        }

        // Deprecated: an LLM in the diff is applied to the active profile's content; the result is a raw LLM that goes
        // through the materialization policy (the active profile itself is never changed) and becomes the active pointer.
        Sdk.Llms.Llm? llmFromDiff = null;
        if (agentDiff?["llm"] is { } llmDiff)
        {
            llmFromDiff = await LlmFromDiffAsync(s, llmDiff, active).ConfigureAwait(false);
        }

        agentDiff?.Remove("llm");

        PersistedSettings Apply(PersistedSettings current, bool pointerSet, ProfileName? pointer)
        {
            var root = JsonNode.Parse(SettingsCodec.Write(current))!.AsObject();
            if (agentDiff is not null)
            {
                root["agent_settings"] = Merge(root["agent_settings"], agentDiff);
            }

            if (conversationDiff is not null)
            {
                root["conversation_settings"] = Merge(root["conversation_settings"], conversationDiff);
            }

            if (miscDiff is not null)
            {
                root["misc_settings"] = Merge(root["misc_settings"], miscDiff);
            }

            PersistedSettings next;
            try
            {
                next = SettingsCodec.Read(root).Settings;
            }
            catch (Exception e) when (e is LlmFormatException or ArgumentException or InvalidOperationException or FormatException or JsonException)
            {
                throw ApiException.Validation($"Settings validation failed: {e.Message}", "value_error", "body");
            }

            if (pointerSet)
            {
                next = next with { ActiveProfile = pointer };
            }

            if (setAgentProfile)
            {
                next = next with { ActiveAgentProfileId = agentProfileId };
            }

            return next;
        }

        ProfileName? materialized = null;
        if (llmFromDiff is not null)
        {
            // Everything is validated before the first write: a 422 leaves profiles and settings as they were.
            _ = Apply(await s.Settings.LoadAsync(s.Aborted).ConfigureAwait(false), setActive, active);
            materialized = (await s.Materializer.MaterializeAsync(llmFromDiff, cancellationToken: s.Aborted).ConfigureAwait(false)).Name;
            setActive = true;
            active = materialized;
        }

        var updated = await s.Settings.UpdateAsync(current => Apply(current, setActive, active), s.Aborted).ConfigureAwait(false);

        if (materialized is { } profile)
        {
            s.Http.Response.Headers["Deprecation"] = "true";
            s.Http.Response.Headers[DeprecationNoticeHeader] =
                $"agent_settings_diff.llm is deprecated: the resulting LLM is in LLM profile '{profile}', which is now active_profile (no other profile was changed); settings hold no LLM. Use POST /api/profiles/{{name}} and active_profile.";
        }

        return ApiResults.Json(await ResponseAsync(s, updated).ConfigureAwait(false));
    }

    /// <summary>The diff applied to the base profile's content (the named or active one, else nothing): a raw LLM, not yet stored.</summary>
    private static async Task<Sdk.Llms.Llm> LlmFromDiffAsync(ServerContext s, JsonNode llmDiff, ProfileName? requested)
    {
        if (llmDiff is not JsonObject diff)
        {
            throw ApiException.Validation("Input should be a valid dictionary or object", "model_type", "body", "agent_settings_diff", "llm");
        }

        var baseName = requested ?? (await s.Settings.LoadAsync(s.Aborted).ConfigureAwait(false)).ActiveProfile;
        var current = baseName is { } b ? await s.Profiles.TryLoadAsync(b, s.Aborted).ConfigureAwait(false) : null;
        var baseJson = current is null ? new JsonObject() : ProfilesEndpoints.LlmToJson(current, SecretExposure.Plaintext, cipher: null);
        var merged = Merge(baseJson, diff);
        using var document = JsonDocument.Parse(merged!.ToJsonString());

        // The base profile is the LLM's provenance: the policy reuses it when the diff changes nothing, and never rewrites it.
        return s.ReadLlm(document.RootElement, "body", "agent_settings_diff", "llm") with { SourceProfile = current?.SourceProfile };
    }

    private static async Task<JsonObject> ResponseAsync(ServerContext s, PersistedSettings settings)
    {
        var root = JsonNode.Parse(SettingsCodec.Write(settings))!.AsObject();
        return new JsonObject
        {
            ["agent_settings"] = root["agent_settings"]?.DeepClone(),
            ["conversation_settings"] = root["conversation_settings"]?.DeepClone(),
            ["llm_api_key_is_set"] = await s.Settings.GetLlmApiKeyIsSetAsync(s.Aborted).ConfigureAwait(false),
            ["active_profile"] = settings.ActiveProfile?.Value,
            ["active_agent_profile_id"] = settings.ActiveAgentProfileId,
            ["misc_settings"] = root["misc_settings"]?.DeepClone() ?? new JsonObject(),
        };
    }

    private static JsonObject? DiffObject(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(value.GetRawText())!.AsObject()
            : throw ApiException.Validation("Input should be a valid dictionary or object", "model_type", "body", field);
    }

    /// <summary>RFC 7386 merge patch: objects merge, <see langword="null"/> removes, anything else replaces.</summary>
    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Merge(result[key], value);
            }
        }

        return result;
    }
}
