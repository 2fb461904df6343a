using System.Text.Json;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Profiles.Internal;

/// <summary>
/// Reads and writes agent profiles in the Python SDK 1.43 format: migrates any schema version it reads to 2, rejects
/// unknown keys and the other variant's fields (the Python model forbids extras), and writes the canonical dump.
/// </summary>
internal static class AgentProfileCodec
{
    public const int SchemaVersion = 2;

    private static readonly string[] CommonFields = ["schema_version", "id", "name", "revision", "mcp_server_refs", "agent_kind"];

    private static readonly string[] OpenHandsFields =
    [
        "llm_profile_ref", "agent", "tools", "system_message_suffix", "disabled_skills", "condenser", "verification",
        "enable_sub_agents", "enable_switch_llm_tool", "tool_concurrency_limit",
    ];

    private static readonly string[] AcpFields =
        ["acp_server", "acp_model", "acp_session_mode", "acp_prompt_timeout", "acp_startup_timeout", "acp_command", "acp_args"];

    private static readonly string[] AcpServers = ["claude-code", "codex", "gemini-cli", "custom"];

    /// <summary>The Python default condenser settings (LLM summarizing).</summary>
    public static JsonElement DefaultCondenser { get; } = JsonSerializer.SerializeToElement(
        new Dictionary<string, JsonElement>
        {
            ["enabled"] = JsonSerializer.SerializeToElement(true, OpenHandsJsonContext.Default.Boolean),
            ["max_size"] = UnknownFields.Element(240),
            ["condenser_kind"] = UnknownFields.Element("llm_summarizing"),
            ["max_tokens"] = JsonSerializer.SerializeToElement<JsonElement?>(null, OpenHandsJsonContext.Default.NullableJsonElement),
            ["keep_first"] = UnknownFields.Element(2),
            ["minimum_progress"] = JsonSerializer.SerializeToElement(0.1, OpenHandsJsonContext.Default.Double),
            ["hard_context_reset_max_retries"] = UnknownFields.Element(5),
            ["hard_context_reset_context_scaling"] = JsonSerializer.SerializeToElement(0.8, OpenHandsJsonContext.Default.Double),
        },
        OpenHandsJsonContext.Default.DictionaryStringJsonElement);

    /// <summary>Reads a stored profile file; <paramref name="name"/> is its file stem.</summary>
    /// <exception cref="InvalidProfileException">The file is not JSON, not an object, or not a valid profile.</exception>
    public static AgentProfile Read(ReadOnlySpan<byte> bytes, ProfileName name, string path)
    {
        try
        {
            return Parse(bytes, name);
        }
        catch (InvalidAgentProfileException e)
        {
            throw new InvalidProfileException($"Failed to load profile `{name}`: {e.Message}. Fix or delete '{path}', or save the profile again.", e);
        }
    }

    /// <exception cref="InvalidAgentProfileException">The JSON is not a valid agent profile.</exception>
    public static AgentProfile Parse(ReadOnlySpan<byte> bytes, ProfileName name)
    {
        AgentProfileInputDocument? input;
        try
        {
            input = JsonSerializer.Deserialize(bytes, OpenHandsJsonContext.Default.AgentProfileInputDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidAgentProfileException($"Invalid agent profile: {e.Message}", e);
        }

        return FromInput(input ?? throw new InvalidAgentProfileException("Invalid agent profile: the JSON is not an object"), name);
    }

    /// <summary>Validates and migrates a read profile; the name is <paramref name="name"/> whatever the input says.</summary>
    /// <exception cref="InvalidAgentProfileException">The profile is invalid; every field problem is listed.</exception>
    public static AgentProfile FromInput(AgentProfileInputDocument input, ProfileName name)
    {
        ArgumentNullException.ThrowIfNull(input);
        var version = input.SchemaVersion ?? SchemaVersion;
        if (version > SchemaVersion)
        {
            throw new InvalidAgentProfileException($"AgentProfile schema_version {version} is newer than supported version {SchemaVersion}.");
        }

        if (version < 1)
        {
            throw new InvalidAgentProfileException($"AgentProfile schema_version {version} is not a known version (1 or {SchemaVersion}).");
        }

        var kind = input.AgentKind ?? "openhands";
        if (kind is not ("openhands" or "acp"))
        {
            throw new InvalidAgentProfileException(
                [new AgentProfileProblem(["agent_kind"], "union_tag_invalid", $"Input tag '{kind}' found using 'agent_kind' does not match any of the expected tags: 'openhands', 'acp'")]);
        }

        var unknown = input.Unknown ?? [];
        if (version == 1)
        {
            unknown.Remove("skills");   // v1 → v2: the skills allow-list became the disabled_skills deny-list
        }

        var problems = new List<AgentProfileProblem>();
        foreach (var key in unknown.Keys)
        {
            problems.Add(Extra(kind, key));
        }

        foreach (var key in kind == "openhands" ? AcpFields : OpenHandsFields)
        {
            if (input.Present.Contains(key))
            {
                problems.Add(Extra(kind, key));
            }
        }

        var id = Guid.NewGuid();
        if (input.Id is { } idText && !Guid.TryParse(idText, out id))
        {
            problems.Add(new([kind, "id"], "uuid_parsing", "Input should be a valid UUID"));
        }

        if (input.Revision is < 0)
        {
            problems.Add(new([kind, "revision"], "greater_than_equal", "Input should be greater than or equal to 0"));
        }

        AgentProfileFileDocument document = kind == "openhands" ? OpenHands(input, name, version, problems) : Acp(input, problems);
        if (problems.Count > 0)
        {
            throw new InvalidAgentProfileException(problems);
        }

        document.Id = id.ToString();
        document.Name = name.Value;
        document.Revision = input.Revision ?? 0;
        document.McpServerRefs = input.McpServerRefs;
        document.AgentKind = kind;
        return new AgentProfile(document);
    }

    public static byte[] ToBytes(AgentProfile profile) => profile.Document switch
    {
        OpenHandsAgentProfileFileDocument d => JsonSerializer.SerializeToUtf8Bytes(d, OpenHandsJson.RedactedIndented.Contract<OpenHandsAgentProfileFileDocument>()),
        AcpAgentProfileFileDocument d => JsonSerializer.SerializeToUtf8Bytes(d, OpenHandsJson.RedactedIndented.Contract<AcpAgentProfileFileDocument>()),
        _ => throw new InvalidOperationException("Unknown agent profile kind"),
    };

    /// <summary>The profile as a JSON value (the detail route's <c>profile</c>).</summary>
    public static JsonElement ToElement(AgentProfile profile)
    {
        var bytes = ToBytes(profile);
        return JsonSerializer.Deserialize(bytes, OpenHandsJsonContext.Default.JsonElement);
    }

    public static AgentProfileFileDocument Clone(AgentProfileFileDocument document) => document switch
    {
        OpenHandsAgentProfileFileDocument d => JsonSerializer.Deserialize(
            JsonSerializer.SerializeToUtf8Bytes(d, OpenHandsJsonContext.Default.OpenHandsAgentProfileFileDocument), OpenHandsJsonContext.Default.OpenHandsAgentProfileFileDocument)!,
        AcpAgentProfileFileDocument d => JsonSerializer.Deserialize(
            JsonSerializer.SerializeToUtf8Bytes(d, OpenHandsJsonContext.Default.AcpAgentProfileFileDocument), OpenHandsJsonContext.Default.AcpAgentProfileFileDocument)!,
        _ => throw new InvalidOperationException("Unknown agent profile kind"),
    };

    private static OpenHandsAgentProfileFileDocument OpenHands(AgentProfileInputDocument input, ProfileName name, int version, List<AgentProfileProblem> problems)
    {
        if (input.LlmProfileRef is not { } llmRef)
        {
            problems.Add(new(["openhands", "llm_profile_ref"], input.Present.Contains("llm_profile_ref") ? "string_type" : "missing",
                input.Present.Contains("llm_profile_ref") ? "Input should be a valid string" : "Field required"));
        }
        else if (llmRef.Length == 0)
        {
            problems.Add(new(["openhands", "llm_profile_ref"], "string_too_short", "String should have at least 1 character"));
        }

        if (input.ToolConcurrencyLimit is < 1)
        {
            problems.Add(new(["openhands", "tool_concurrency_limit"], "greater_than_equal", "Input should be greater than or equal to 1"));
        }

        if (input.Tools?.FindIndex(t => t?.Name is not { Length: > 0 }) is { } bad and >= 0)
        {
            problems.Add(new(["openhands", "tools", bad.ToString(System.Globalization.CultureInfo.InvariantCulture), "name"], "missing", "Each tool needs a string 'name'"));
        }

        var tools = input.Tools;
        if (version == 1 && name.Value == "default" && (input.Revision ?? 0) == 0 && tools is { Count: 0 })
        {
            tools = null;   // a v1 seed's "no tools" meant "the default tools"
        }

        return new OpenHandsAgentProfileFileDocument
        {
            LlmProfileRef = input.LlmProfileRef ?? "",
            Agent = input.Agent ?? "CodeActAgent",
            Tools = tools,
            SystemMessageSuffix = input.SystemMessageSuffix,
            DisabledSkills = input.DisabledSkills ?? [],
            Condenser = input.Condenser ?? DefaultCondenser,
            Verification = input.Verification ?? new(),
            EnableSubAgents = input.EnableSubAgents ?? false,
            EnableSwitchLlmTool = input.EnableSwitchLlmTool ?? true,
            ToolConcurrencyLimit = input.ToolConcurrencyLimit ?? 1,
        };
    }

    private static AcpAgentProfileFileDocument Acp(AgentProfileInputDocument input, List<AgentProfileProblem> problems)
    {
        var server = input.AcpServer ?? "claude-code";
        if (!AcpServers.Contains(server))
        {
            problems.Add(new(["acp", "acp_server"], "literal_error", "Input should be 'claude-code', 'codex', 'gemini-cli' or 'custom'"));
        }

        if (input.AcpPromptTimeout is <= 0)
        {
            problems.Add(new(["acp", "acp_prompt_timeout"], "greater_than", "Input should be greater than 0"));
        }

        if (input.AcpStartupTimeout is <= 0)
        {
            problems.Add(new(["acp", "acp_startup_timeout"], "greater_than", "Input should be greater than 0"));
        }

        return new AcpAgentProfileFileDocument
        {
            AcpServer = server,
            AcpModel = input.AcpModel,
            AcpSessionMode = input.AcpSessionMode,
            AcpPromptTimeout = input.AcpPromptTimeout ?? 1800.0,
            AcpStartupTimeout = input.AcpStartupTimeout ?? 90.0,
            AcpCommand = input.AcpCommand,
            AcpArgs = input.AcpArgs,
        };
    }

    private static AgentProfileProblem Extra(string kind, string key) => new([kind, key], "extra_forbidden", "Extra inputs are not permitted");
}
