using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// The one profile reference of a start request, whichever of its five names the client used: <c>llm_profile</c>
/// (canonical), <c>llm_profile_id</c> (the seed PR), <c>profile_name</c> (the seed issue), <c>agent_profile: {"name"}</c>
/// (the seed issue: an agent profile of that name, else an LLM profile of that name) and <c>agent_profile_id</c>
/// (Python 1.43). More than one is a 422 naming them; an agent profile excludes <c>agent</c> and <c>agent_settings</c>.
/// </summary>
/// <param name="LlmProfile">The LLM profile to run on; <see langword="null"/> for the active one.</param>
/// <param name="Tools">The agent profile's tools (its <c>null</c>: the server default); <see langword="null"/> when no agent profile was named.</param>
/// <param name="Mcp">The agent profile's MCP servers, from the user's MCP config; <see langword="null"/> for none.</param>
/// <param name="Launched">The agent profile launched, for provenance; <see langword="null"/> without one.</param>
internal sealed record StartProfileReference(
    ProfileReference? LlmProfile, System.Collections.Immutable.ImmutableArray<OpenHands.Sdk.Agents.ToolSpec>? Tools, OpenHands.Sdk.Agents.Mcp.McpConfig? Mcp, LaunchedAgentProfileDocument? Launched)
{
    public const string MutuallyExclusive = "Value error, `agent_profile_id` is mutually exclusive with `agent` and `agent_settings`";

    /// <summary>Whether the request names any profile at all (else a legacy inline <c>agent.llm</c>, or the active profile, applies).</summary>
    public static bool Named(StartConversationRequest request) => Fields(request).Count > 0;

    /// <summary>Checks the request's reference fields without reading any store (before the existing-id lookup).</summary>
    public static void Validate(StartConversationRequest request)
    {
        var fields = Fields(request);
        if (fields.Count > 1)
        {
            throw ApiException.Validation(
                $"Give one profile reference, not {fields.Count}: {string.Join(", ", fields)}. The canonical field is llm_profile (an LLM profile) "
                + "or agent_profile_id (an agent profile).",
                "value_error", "body");
        }

        if (request.AgentProfileId is { } id)
        {
            if (!Guid.TryParse(id, out _))
            {
                throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "body", "agent_profile_id");
            }

            RequireNoAgent(request);
        }
    }

    /// <summary>Reads the stores once and returns the reference to start from.</summary>
    /// <exception cref="AgentProfileNotFoundException">The agent profile does not exist (404).</exception>
    public static async Task<StartProfileReference> ResolveAsync(
        StartConversationRequest request, IAgentProfileStore agents, ILlmProfileStore llms, ISettingsStore settings, CancellationToken cancellationToken)
    {
        if (request.AgentProfileId is { } idText)
        {
            return From(await AgentProfileLaunch.PlanAsync(Guid.Parse(idText), agents, settings, cancellationToken).ConfigureAwait(false));
        }

        if (request.AgentProfile is { } byName)
        {
            var name = Names.Parse(byName.Name ?? throw ApiException.Validation("Field required", "missing", "body", "agent_profile", "name"), "body", "agent_profile", "name");
            if (await agents.TryLoadAsync(name, cancellationToken).ConfigureAwait(false) is { } profile)
            {
                RequireNoAgent(request);
                return From(AgentProfileLaunch.PlanFor(profile, await settings.LoadAsync(cancellationToken).ConfigureAwait(false)));
            }

            // Before agent profiles existed the seed issue meant an LLM profile by this name.
            return await llms.ExistsAsync(name, cancellationToken).ConfigureAwait(false)
                ? new(new ProfileReference(name), null, null, null)
                : throw ApiException.NotFound($"No agent profile or LLM profile named '{name}'");
        }

        var (text, field) = request.LlmProfile is { } a ? (a, "llm_profile")
            : request.LlmProfileId is { } b ? (b, "llm_profile_id")
            : request.ProfileName is { } c ? (c, "profile_name")
            : (null, null);
        return new(text is null ? null : new ProfileReference(Names.Parse(text, "body", field!)), null, null, null);
    }

    private static StartProfileReference From(AgentProfileLaunch.Plan plan) => new(plan.LlmProfile, plan.Tools ?? [], plan.Mcp, plan.Launched);

    private static void RequireNoAgent(StartConversationRequest request)
    {
        if (request.Agent is not null || request.AgentSettings is not null)
        {
            throw ApiException.Validation(MutuallyExclusive, "value_error", "body");
        }
    }

    private static List<string> Fields(StartConversationRequest request)
    {
        var fields = new List<string>();
        foreach (var (present, name) in new[]
        {
            (request.LlmProfile is not null, "llm_profile"),
            (request.LlmProfileId is not null, "llm_profile_id"),
            (request.ProfileName is not null, "profile_name"),
            (request.AgentProfile is not null, "agent_profile"),
            (request.AgentProfileId is not null, "agent_profile_id"),
        })
        {
            if (present)
            {
                fields.Add(name);
            }
        }

        return fields;
    }
}
