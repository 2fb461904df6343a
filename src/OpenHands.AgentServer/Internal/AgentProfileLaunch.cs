using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.AgentServer.Endpoints;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Mcp;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// What an agent profile resolves to: the dry run (<c>materialize</c>, diagnostics, nothing raised or written) and the
/// launch (a conversation start with <c>agent_profile_id</c>, typed errors). The LLM profile is read by name through
/// the one profile store; the key it holds never leaves the profile store (the conversation keeps the reference).
/// </summary>
internal static class AgentProfileLaunch
{
    /// <summary>
    /// A launch: the LLM profile to run on, the tools, the MCP servers (the user's <c>agent_settings.mcp_config</c>
    /// filtered by the profile's <c>mcp_server_refs</c>; <see langword="null"/> for none) and the provenance to record.
    /// </summary>
    public sealed record Plan(ProfileReference LlmProfile, ImmutableArray<ToolSpec>? Tools, McpConfig? Mcp, LaunchedAgentProfileDocument Launched);

    public static async Task<AgentProfileDiagnostics> DiagnoseAsync(
        AgentProfile profile, ProfileResolver resolver, PersistedSettings settings, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var (resolvedMcp, dangling) = McpRefs(profile, settings);
        if (dangling.Count > 0)
        {
            errors.Add($"MCP server(s) not configured: {string.Join(", ", dangling)}");
        }

        if (profile.Kind == AgentProfileKind.Acp)
        {
            var (key, baseUrl, files) = AcpSecretNames(FileDocument<AcpAgentProfileFileDocument>(profile).AcpServer);
            return new AgentProfileDiagnostics
            {
                AgentKind = "acp",
                Valid = errors.Count == 0,
                Errors = errors,
                McpServerRefs = profile.McpServerRefs,
                ResolvedMcpConfigKeys = resolvedMcp,
                DanglingMcpServerRefs = dangling,
                AcpApiKeySecretName = key,
                AcpBaseUrlSecretName = baseUrl,
                AcpFileSecretNames = files,
                ResolvedSettings = errors.Count == 0 ? new ResolvedAgentSettings { AgentKind = "acp", McpServers = resolvedMcp } : null,
            };
        }

        Sdk.Llms.Llm? llm = null;
        var llmRef = profile.LlmProfileRef!;
        try
        {
            // Resolved as a launch resolves it: the profile's newest content, with its provider connection applied.
            llm = ProfileName.TryCreate(llmRef, out var llmName)
                ? await resolver.ResolveAsync(new ProfileReference(llmName), cancellationToken).ConfigureAwait(false)
                : throw new ProfileNotFoundException($"LLM profile '{llmRef}' not found");
        }
        catch (ProfileNotFoundException)
        {
            llm = null;
            errors.Add($"LLM profile '{llmRef}' not found");
        }
        catch (Exception e) when (e is InvalidProfileException or SecretDecryptionException or Sdk.StoreBusyException
                                      or ProviderConnectionNotFoundException or InvalidProviderConnectionsException)
        {
            llm = null;
            errors.Add($"Could not load LLM profile '{llmRef}': {e.Message}");
        }

        var valid = errors.Count == 0;
        var openHands = FileDocument<OpenHandsAgentProfileFileDocument>(profile);
        return new AgentProfileDiagnostics
        {
            AgentKind = "openhands",
            Valid = valid,
            Errors = errors,
            LlmProfileRef = llmRef,
            LlmProfileResolved = llm is not null,
            LlmApiKeySet = llm?.ApiKey is not null,
            McpServerRefs = profile.McpServerRefs,
            ResolvedMcpConfigKeys = resolvedMcp,
            DanglingMcpServerRefs = dangling,
            DisabledSkills = profile.DisabledSkills,
            ResolvedSkills = [],   // this server has no skill catalog (documented in docs/rest-api.md)
            ResolvedSettings = valid && llm is not null
                ? new ResolvedAgentSettings
                {
                    AgentKind = "openhands",
                    Agent = openHands.Agent,
                    Llm = WireLlm.Snapshot(llm with { UsageId = "profile:" + llmRef }),
                    Tools = openHands.Tools,
                    McpServers = resolvedMcp,
                    SystemMessageSuffix = openHands.SystemMessageSuffix,
                    DisabledSkills = profile.DisabledSkills,
                }
                : null,
        };
    }

    /// <summary>The launch plan of the profile with id <paramref name="id"/>.</summary>
    /// <exception cref="AgentProfileNotFoundException">No profile has that id (404).</exception>
    /// <exception cref="ApiException">An ACP profile, or MCP refs the settings do not configure (422).</exception>
    public static async Task<Plan> PlanAsync(Guid id, IAgentProfileStore store, ISettingsStore settings, CancellationToken cancellationToken)
    {
        var profile = await store.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw AgentProfilesEndpoints.NotFound(id.ToString());
        return PlanFor(profile, await settings.LoadAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The launch plan of <paramref name="profile"/>.</summary>
    public static Plan PlanFor(AgentProfile profile, PersistedSettings settings)
    {
        if (profile.Kind == AgentProfileKind.Acp)
        {
            throw new ApiException(422, $"Agent profile '{profile.Name}' is an ACP profile; this server runs OpenHands agents only. Launch an OpenHands agent profile.");
        }

        var (resolvedMcp, dangling) = McpRefs(profile, settings);
        if (dangling.Count > 0)
        {
            throw new ApiException(422, $"MCP server ref(s) not present in the user's MCP config: {string.Join(", ", dangling.Select(d => $"'{d}'"))}");
        }

        if (!ProfileName.TryCreate(profile.LlmProfileRef, out var llm))
        {
            throw new ProfileNotFoundException($"LLM profile '{profile.LlmProfileRef}' not found");
        }

        return new Plan(new ProfileReference(llm), profile.Tools?.ToImmutableArray(), McpServers(settings, resolvedMcp), new LaunchedAgentProfileDocument { AgentProfileId = profile.Id.ToString(), Revision = profile.Revision });
    }

    /// <summary>The profile's file as the wire's document of its kind, read from the profile's public JSON.</summary>
    private static T FileDocument<T>(AgentProfile profile)
        where T : AgentProfileFileDocument =>
        JsonSerializer.Deserialize(profile.ToJson(), WireJson.Contract<T>())!;

    // The servers of the user's MCP config whose names were resolved; an unreadable config configures none (as McpRefs).
    private static McpConfig? McpServers(PersistedSettings settings, IReadOnlyList<string> names)
    {
        if (names.Count == 0 || !settings.AgentSettings.AdditionalProperties.TryGetValue("mcp_config", out var mcp))
        {
            return null;
        }

        McpConfig all;
        try
        {
            all = McpConfig.Parse(mcp.GetRawText());
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return null;
        }

        var chosen = all.Servers.Where(s => names.Contains(s.Key, StringComparer.Ordinal)).ToImmutableDictionary(StringComparer.Ordinal);
        return chosen.IsEmpty ? null : all with { Servers = chosen };
    }

    private static (IReadOnlyList<string> Resolved, IReadOnlyList<string> Dangling) McpRefs(AgentProfile profile, PersistedSettings settings)
    {
        var configured = new List<string>();
        if (settings.AgentSettings.AdditionalProperties.TryGetValue("mcp_config", out var mcp))
        {
            try
            {
                configured = [.. (IEnumerable<string>?)mcp.Deserialize(WireJson.Contract<McpConfigDocument>())?.McpServers?.Keys ?? []];
            }
            catch (JsonException)
            {
                // an unreadable MCP config configures no server
            }
        }

        if (profile.McpServerRefs is not { } refs)
        {
            return (configured, []);
        }

        var resolved = refs.Where(configured.Contains).Distinct(StringComparer.Ordinal).ToList();
        return (resolved, [.. refs.Where(r => !configured.Contains(r)).Distinct(StringComparer.Ordinal)]);
    }

    private static (string? Key, string? BaseUrl, IReadOnlyList<string> Files) AcpSecretNames(string server) => server switch
    {
        "claude-code" => ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", []),
        "codex" => ("OPENAI_API_KEY", "OPENAI_BASE_URL", ["CODEX_AUTH_JSON"]),
        "gemini-cli" => ("GEMINI_API_KEY", "GEMINI_BASE_URL", ["GOOGLE_APPLICATION_CREDENTIALS_JSON"]),
        _ => (null, null, []),
    };
}
