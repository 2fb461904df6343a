using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Wire;

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
        settings.MapGet("", GetAsync).Errors(400, 409, 503);
        settings.MapPatch("", PatchAsync).Errors(400, 404, 409, 413, 422, 503);
    }

    private static async Task<WireOk<SettingsResponse>> GetAsync(
        [FromHeader(Name = ExposeSecretsHeader.Name)] string? exposeSecrets, ISettingsStore settings, ServerCipher cipher, CancellationToken cancellationToken)
    {
        // No secrets live in the settings, so the header changes nothing; it is still checked as the reference does.
        ExposeSecretsHeader.Parse(exposeSecrets, cipher.Cipher);
        var current = await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        return new(await ResponseAsync(settings, current, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<WireOk<SettingsResponse>> PatchAsync(
        WireBody<SettingsPatchRequest> body, HttpResponse response, ISettingsStore settings, ILlmProfileStore profiles, ProfileMaterializer materializer,
        ServerCipher cipher, CancellationToken cancellationToken)
    {
        var patch = body.Value;
        if (!patch.ChangesAnything)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, AtLeastOne);
        }

        // Everything is validated before the first write: a rejected request leaves profiles and settings as they were.
        var active = Pointer(patch.ActiveProfile, "active_profile");
        ProfileName? activeName = null;
        if (active is not null)
        {
            activeName = Names.Parse(active, "body", "active_profile");
            if (!await profiles.ExistsAsync(activeName.Value, cancellationToken).ConfigureAwait(false))
            {
                throw ApiException.NotFound($"Profile '{activeName}' not found");
            }
        }

        var agentProfileId = Pointer(patch.ActiveAgentProfileId, "active_agent_profile_id");
        if (agentProfileId is not null && !Guid.TryParse(agentProfileId, out _))
        {
            throw ApiException.Validation("active_agent_profile_id must be a UUID string or null", "string_pattern_mismatch", "body", "active_agent_profile_id");
        }

        var agentDiff = patch.AgentSettingsDiff is { } a ? (JsonObject)a.DeepClone() : null;

        // Deprecated: an LLM in the diff is applied to the active profile's content; the result is a raw LLM that goes
        // through the materialization policy (the active profile itself is never changed) and becomes the active pointer.
        Llm? llmFromDiff = null;
        if (agentDiff?["llm"] is { } llmDiff)
        {
            llmFromDiff = await LlmFromDiffAsync(settings, profiles, cipher.Cipher, llmDiff, activeName, cancellationToken).ConfigureAwait(false);
        }

        agentDiff?.Remove("llm");
        var pointerSet = patch.ActiveProfileSet;
        PersistedSettings Apply(PersistedSettings current, ProfileName? pointer)
        {
            var root = JsonNode.Parse(SettingsJson.Write(current))!.AsObject();
            Merge(root, "agent_settings", agentDiff);
            Merge(root, "conversation_settings", patch.ConversationSettingsDiff);
            Merge(root, "misc_settings", patch.MiscSettingsDiff);
            PersistedSettings next;
            try
            {
                next = SettingsJson.Read(root);
            }
            catch (Exception e) when (e is InvalidSettingsException or ArgumentException or InvalidOperationException or FormatException or JsonException)
            {
                throw ApiException.Validation($"Settings validation failed: {e.Message}", "value_error", "body");
            }

            next = pointerSet ? next with { ActiveProfile = pointer } : next;
            return patch.ActiveAgentProfileIdSet ? next with { ActiveAgentProfileId = agentProfileId } : next;
        }

        // A corrupt settings file is a 409 and invalid diffs a 422, both before a profile is written.
        _ = Apply(await settings.LoadAsync(cancellationToken).ConfigureAwait(false), activeName);
        ProfileName? materialized = null;
        if (llmFromDiff is not null)
        {
            materialized = (await materializer.MaterializeAsync(llmFromDiff, cancellationToken: cancellationToken).ConfigureAwait(false)).Name;
            (pointerSet, activeName) = (true, materialized);
        }

        var updated = await settings.UpdateAsync(current => Apply(current, activeName), cancellationToken).ConfigureAwait(false);
        if (materialized is { } profile)
        {
            response.Headers["Deprecation"] = "true";
            response.Headers[DeprecationNoticeHeader] =
                $"agent_settings_diff.llm is deprecated: the resulting LLM is in LLM profile '{profile}', which is now active_profile (no other profile was changed); settings hold no LLM. Use POST /api/profiles/{{name}} and active_profile.";
        }

        return new(await ResponseAsync(settings, updated, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A pointer field: absent or JSON null is none; anything but a string is a 422.</summary>
    private static string? Pointer(JsonElement? value, string field)
    {
        if (value is not { } element)
        {
            return null;
        }

        try
        {
            return element.Deserialize(WireJson.Contract<string>());
        }
        catch (JsonException)
        {
            throw ApiException.Validation("Input should be a valid string", "string_type", "body", field);
        }
    }

    /// <summary>The diff applied to the base profile's content (the named or active one, else nothing): a raw LLM, not yet stored.</summary>
    private static async Task<Llm> LlmFromDiffAsync(
        ISettingsStore settings, ILlmProfileStore profiles, Cipher? cipher, JsonNode llmDiff, ProfileName? requested, CancellationToken cancellationToken)
    {
        string[] loc = ["body", "agent_settings_diff", "llm"];
        if (llmDiff is not JsonObject diff)
        {
            throw ApiException.Validation("Input should be a valid dictionary or object", "model_type", loc);
        }

        var baseName = requested ?? (await settings.LoadAsync(cancellationToken).ConfigureAwait(false)).ActiveProfile;
        var current = baseName is { } b ? await profiles.TryLoadAsync(b, cancellationToken).ConfigureAwait(false) : null;
        var merged = current is null ? new JsonObject()
            : JsonSerializer.SerializeToNode(LlmJson.ToElement(current, SecretExposure.Plaintext), WireJson.Contract<JsonElement>())!.AsObject();
        MergeInto(merged, diff);
        LlmDocument? document;
        try
        {
            document = merged.Deserialize(WireJson.Contract<LlmDocument>());
        }
        catch (JsonException e)
        {
            throw ApiException.Validation($"Invalid LLM: {JsonErrors.Describe(e)}", "value_error", loc);
        }

        // The base profile is the LLM's provenance: the policy reuses it when the diff changes nothing, and never rewrites it.
        return WireLlm.Read(document, cipher, loc) with { SourceProfile = current?.SourceProfile };
    }

    private static async Task<SettingsResponse> ResponseAsync(ISettingsStore store, PersistedSettings settings, CancellationToken cancellationToken)
    {
        var document = JsonSerializer.Deserialize(SettingsJson.Write(settings), WireJson.Contract<SettingsDocument>())!;
        return new SettingsResponse
        {
            AgentSettings = document.AgentSettings,
            ConversationSettings = document.ConversationSettings,
            LlmApiKeyIsSet = await store.GetLlmApiKeyIsSetAsync(cancellationToken).ConfigureAwait(false),
            ActiveProfile = settings.ActiveProfile?.Value,
            ActiveAgentProfileId = settings.ActiveAgentProfileId,
            MiscSettings = settings.MiscSettings,
        };
    }

    private static void Merge(JsonObject root, string field, JsonObject? diff)
    {
        if (diff is not null)
        {
            var target = root[field] as JsonObject ?? [];
            root[field] = null;   // detach, so the merged object can be put back
            MergeInto(target, diff);
            root[field] = target;
        }
    }

    /// <summary>RFC 7386 merge patch, in place: objects merge, <see langword="null"/> removes, anything else replaces.</summary>
    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchObject)
            {
                if (target[key] is not JsonObject existing)
                {
                    existing = [];
                    target[key] = existing;
                }

                MergeInto(existing, patchObject);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
