using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/agent-profiles</c>, wire-compatible with the Python agent server 1.43: secret-free launch specs that refer to
/// an LLM profile by name. Activation is a pointer in settings; nothing here copies an LLM or a key.
/// </summary>
internal static class AgentProfilesEndpoints
{
    public const string SeedName = "default";

    public static void Map(RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/agent-profiles").WithTags("agent-profiles");
        profiles.MapGet("", ListAsync).Errors(409, 503);
        profiles.MapGet("/{name}", GetAsync).Errors(400, 404, 422, 503);
        profiles.MapPost("/{name}", SaveAsync).Errors(409, 413, 422, 503);
        profiles.MapDelete("/{name}", DeleteAsync).Errors(409, 422, 503);
        profiles.MapPost("/{name}/rename", RenameAsync).Errors(404, 409, 413, 422, 503);
        profiles.MapPost("/{profile_id}/activate", ActivateAsync).Errors(404, 409, 503);
        profiles.MapPost("/{name}/materialize", MaterializeAsync).Errors(400, 404, 422, 503);
    }

    private static async Task<WireOk<AgentProfileListResponse>> ListAsync(IAgentProfileStore store, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var current = await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (!await store.HasAnyAsync(cancellationToken).ConfigureAwait(false) && current.ActiveAgentProfileId is null)
        {
            current = await SeedAsync(store, settings, cancellationToken).ConfigureAwait(false);
        }

        var items = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Select(p => new AgentProfileInfo
        {
            Id = p.Id.ToString(),
            Name = p.Name.Value,
            AgentKind = p.Kind == AgentProfileKind.Acp ? "acp" : "openhands",
            Revision = p.Revision,
            LlmProfileRef = p.LlmProfileRef,
            McpServerRefs = p.McpServerRefs,
        }).ToList();
        return new(new AgentProfileListResponse { Profiles = items, ActiveAgentProfileId = current.ActiveAgentProfileId });
    }

    private static async Task<WireOk<AgentProfileDetailResponse>> GetAsync(string name, IAgentProfileStore store, CancellationToken cancellationToken)
    {
        var profile = await store.LoadAsync(Names.Parse(name, "path", "name"), cancellationToken).ConfigureAwait(false);
        return new(new AgentProfileDetailResponse { Name = profile.Name.Value, Profile = JsonSerializer.Deserialize(profile.ToJson(), WireJson.Contract<JsonElement>()) });
    }

    private static async Task<WireCreated<AgentProfileMutationResponse>> SaveAsync(
        string name, WireBody<AgentProfileInputDocument> body, IAgentProfileStore store, IOptions<AgentServerOptions> options, CancellationToken cancellationToken)
    {
        var profileName = Names.Parse(name, "path", "name");
        var profile = Validate(body.Value, profileName);
        try
        {
            await store.SaveAsync(profile, options.Value.MaxAgentProfiles, cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileLimitExceededException e)
        {
            throw new ApiException(StatusCodes.Status409Conflict, $"Agent profile limit reached ({e.Limit}). Delete a profile before saving a new one.");
        }

        return new(new AgentProfileMutationResponse { Name = profileName.Value, Message = $"Agent profile '{profileName}' saved" });
    }

    private static async Task<WireOk<AgentProfileMutationResponse>> DeleteAsync(
        string name, IAgentProfileStore store, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var profileName = Names.Parse(name, "path", "name");
        if (await store.DeleteAsync(profileName, cancellationToken).ConfigureAwait(false) is { } id)
        {
            var text = id.ToString();
            await settings.UpdateAsync(x => x.ActiveAgentProfileId == text ? x with { ActiveAgentProfileId = null } : x, cancellationToken).ConfigureAwait(false);
        }

        return new(new AgentProfileMutationResponse { Name = profileName.Value, Message = $"Agent profile '{profileName}' deleted" });
    }

    private static async Task<WireOk<AgentProfileMutationResponse>> RenameAsync(
        string name, WireBody<RenameAgentProfileRequest> body, IAgentProfileStore store, CancellationToken cancellationToken)
    {
        var profileName = Names.Parse(name, "path", "name");
        var newName = Names.Parse(body.Value.NewName ?? throw ApiException.Validation("Field required", "missing", "body", "new_name"), "body", "new_name");
        var renamed = await store.RenameAsync(profileName, newName, cancellationToken).ConfigureAwait(false);
        var message = profileName == newName ? $"Agent profile '{profileName}' unchanged (same name)" : $"Agent profile '{profileName}' renamed to '{newName}'";
        return new(new AgentProfileMutationResponse { Name = renamed.Name.Value, Message = message });
    }

    private static async Task<WireOk<AgentProfileActivateResponse>> ActivateAsync(
        string profile_id, IAgentProfileStore store, ISettingsStore settings, CancellationToken cancellationToken)
    {
        // Careful where the reference compares text: the id must be a UUID and is stored in its canonical form.
        var found = Guid.TryParse(profile_id, out var id) ? await store.FindAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (found is null)
        {
            throw NotFound(profile_id);
        }

        var canonical = found.Id.ToString();
        await settings.UpdateAsync(x => x with { ActiveAgentProfileId = canonical }, cancellationToken).ConfigureAwait(false);
        return new(new AgentProfileActivateResponse { Id = canonical, Message = $"Agent profile '{canonical}' activated", AgentSettingsApplied = false });
    }

    private static async Task<WireOk<AgentProfileDiagnostics>> MaterializeAsync(
        string name, IAgentProfileStore store, ProfileResolver resolver, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var profile = await store.LoadAsync(Names.Parse(name, "path", "name"), cancellationToken).ConfigureAwait(false);
        var current = await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        return new(await AgentProfileLaunch.DiagnoseAsync(profile, resolver, current, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The profile of a request body, validated (the path name wins over any body <c>name</c>), as 422s.</summary>
    internal static AgentProfile Validate(AgentProfileInputDocument input, ProfileName name)
    {
        try
        {
            return FromInput(input, name);
        }
        catch (InvalidAgentProfileException e) when (e.Problems.Count > 0)
        {
            throw ApiException.Validation([.. e.Problems.Select(p => new ValidationItem
            {
                Loc = [.. p.Location.Select(ApiException.Location.Name)],
                Msg = p.Message,
                Type = p.Type,
            })]);
        }
        catch (InvalidAgentProfileException)
        {
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, "Invalid agent profile");
        }
    }

    /// <summary>No agent profile has the id <paramref name="id"/> (404).</summary>
    internal static AgentProfileNotFoundException NotFound(string id) => new($"Agent profile with id '{id}' not found");

    /// <summary>
    /// A profile from the wire's input document, validated and migrated by the SDK's public <see cref="AgentProfile.Parse"/>:
    /// the document's JSON, with the fields the request set to an explicit <see langword="null"/> kept (a field of the
    /// other kind is an error even when null).
    /// </summary>
    /// <exception cref="InvalidAgentProfileException">The profile is invalid; every field problem is listed.</exception>
    private static AgentProfile FromInput(AgentProfileInputDocument input, ProfileName name)
    {
        var json = JsonSerializer.SerializeToNode(input, WireJson.Contract<AgentProfileInputDocument>())!.AsObject();
        foreach (var field in input.Present.Where(f => !json.ContainsKey(f)))
        {
            json[field] = null;
        }

        return AgentProfile.Parse(json.ToJsonString(), name);
    }

    /// <summary>
    /// The lazy seed of the Python server: the first list of an empty store with no active pointer creates <c>default</c>
    /// from the live settings and points to it, once (re-checked under the store lock). Settings here hold no LLM, so
    /// there is no LLM backfill: the seed refers to the active LLM profile, else to <c>default</c>.
    /// </summary>
    private static async Task<PersistedSettings> SeedAsync(IAgentProfileStore store, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var seed = await store.CreateFirstAsync(
            async ct =>
            {
                var current = await settings.LoadAsync(ct).ConfigureAwait(false);
                if (current.ActiveAgentProfileId is not null)
                {
                    return null;
                }

                var agent = current.AgentSettings;
                var input = new AgentProfileInputDocument
                {
                    LlmProfileRef = current.ActiveProfile?.Value ?? agent.LlmProfile?.Name.Value ?? SeedName,
                    Agent = agent.Agent,
                    Tools = agent.Tools?.Select(t => new ToolDocument { Name = t.Name, Params = t.Params }).ToList(),
                    SystemMessageSuffix = agent.SystemMessageSuffix,
                    EnableSubAgents = agent.EnableSubAgents,
                    EnableSwitchLlmTool = agent.EnableSwitchLlmTool,
                    ToolConcurrencyLimit = agent.ToolConcurrencyLimit,
                };
                if (agent.AgentKind == Sdk.Settings.AgentKind.Acp)
                {
                    input = new AgentProfileInputDocument { AgentKind = "acp" };
                }

                return FromInput(input, ProfileName.Create(SeedName));
            },
            cancellationToken).ConfigureAwait(false);
        if (seed is null)
        {
            return await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        var id = seed.Id.ToString();
        return await settings.UpdateAsync(x => x with { ActiveAgentProfileId = id }, cancellationToken).ConfigureAwait(false);
    }
}
