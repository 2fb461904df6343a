using System.Collections.Immutable;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// A secret-free launch specification in the Python SDK 1.43 format (<c>agent-profiles/&lt;name&gt;.json</c>): which
/// agent to run and, for an OpenHands agent, the LLM profile it runs on, <em>by name</em> (<see cref="LlmProfileRef"/>).
/// </summary>
/// <remarks>
/// <para>
/// The chain is agent profile → LLM profile → (provider connection): an agent profile never holds an LLM or a key, so
/// an edited LLM profile or a rotated key takes effect at the next launch. <see cref="Id"/> is stable (it survives a
/// rename and an overwrite); <see cref="Name"/> is the file name and can change. Every field of the Python model is
/// kept through a load and a save, including those this SDK does not use when launching.
/// </para>
/// <para>Instances are immutable and thread-safe. Parse with <see cref="Parse"/>, write with <see cref="ToJson"/>.</para>
/// </remarks>
public sealed class AgentProfile
{
    internal AgentProfile(AgentProfileFileDocument document)
    {
        Document = document;
        Id = Guid.Parse(document.Id);
        Name = ProfileName.Create(document.Name);
        Kind = document is AcpAgentProfileFileDocument ? AgentProfileKind.Acp : AgentProfileKind.OpenHands;
        if (document is OpenHandsAgentProfileFileDocument openHands)
        {
            LlmProfileRef = openHands.LlmProfileRef;
            Tools = openHands.Tools?.Select(t => new ToolSpec(t.Name ?? "", t.Params ?? ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty)).ToImmutableArray();
            SystemMessageSuffix = openHands.SystemMessageSuffix;
            DisabledSkills = [.. openHands.DisabledSkills];
        }
        else
        {
            DisabledSkills = [];
        }

        McpServerRefs = document.McpServerRefs?.ToImmutableArray();
    }

    /// <summary>Gets the stable id: it never changes, survives renames and overwrites, and is what activation and launches name.</summary>
    public Guid Id { get; }

    /// <summary>Gets the name: the file name, and what the REST routes address the profile by.</summary>
    public ProfileName Name { get; }

    /// <summary>Gets the edit counter: 0 when created, one more on each overwrite (a rename, and an LLM-profile rename rewriting <see cref="LlmProfileRef"/>, keep it, as in the Python SDK).</summary>
    public int Revision => Document.Revision;

    /// <summary>Gets the kind of agent it launches.</summary>
    public AgentProfileKind Kind { get; }

    /// <summary>Gets the name of the LLM profile an OpenHands agent runs on; <see langword="null"/> for an ACP profile. It may name no existing profile.</summary>
    public string? LlmProfileRef { get; }

    /// <summary>Gets the MCP servers to use: <see langword="null"/> for all of the global ones, empty for none.</summary>
    public IReadOnlyList<string>? McpServerRefs { get; }

    /// <summary>Gets the tools: <see langword="null"/> for the server's default tools, empty for none (OpenHands only).</summary>
    public IReadOnlyList<ToolSpec>? Tools { get; }

    /// <summary>Gets the text appended to the system prompt, if any (OpenHands only).</summary>
    public string? SystemMessageSuffix { get; }

    /// <summary>Gets the skills not to load (a deny-list; unknown names do nothing).</summary>
    public IReadOnlyList<string> DisabledSkills { get; }

    internal AgentProfileFileDocument Document { get; }

    /// <summary>Creates a new OpenHands agent profile (revision 0, a fresh id) that runs on an LLM profile.</summary>
    /// <param name="name">The agent profile's name.</param>
    /// <param name="llmProfileRef">The LLM profile it runs on, by name.</param>
    /// <param name="tools">Its tools; <see langword="null"/> for the server's defaults.</param>
    /// <returns>The profile, not yet stored.</returns>
    public static AgentProfile Create(ProfileName name, ProfileName llmProfileRef, IEnumerable<ToolSpec>? tools = null)
    {
        return new AgentProfile(new OpenHandsAgentProfileFileDocument
        {
            Id = Guid.NewGuid().ToString(),
            Name = name.Value,
            LlmProfileRef = llmProfileRef.Value,
            Tools = tools?.Select(t => new ToolDocument { Name = t.Name, Params = t.Params }).ToList(),
            Condenser = AgentProfileCodec.DefaultCondenser,
        });
    }

    /// <summary>
    /// Parses a profile in the Python format (any schema version this SDK reads, migrated to version 2). A missing
    /// <c>id</c> gets a fresh one; the <c>name</c> in the JSON is replaced by <paramref name="name"/>.
    /// </summary>
    /// <param name="json">The profile's JSON object.</param>
    /// <param name="name">The name to give it.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="InvalidAgentProfileException">The JSON is not a valid agent profile; <see cref="InvalidAgentProfileException.Problems"/> says why.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    public static AgentProfile Parse(string json, ProfileName name)
    {
        ArgumentNullException.ThrowIfNull(json);
        return AgentProfileCodec.Parse(System.Text.Encoding.UTF8.GetBytes(json), name);
    }

    /// <summary>Returns the profile as the Python SDK writes it (schema version 2, indented, nulls written).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(AgentProfileCodec.ToBytes(this));

    /// <summary>Returns a copy under another name, id and revision: what a store assigns when it saves or renames a profile.</summary>
    /// <param name="name">The name.</param>
    /// <param name="id">The id.</param>
    /// <param name="revision">The edit counter (not negative).</param>
    /// <returns>The copy; every other field is kept.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="revision"/> is negative.</exception>
    public AgentProfile WithIdentity(ProfileName name, Guid id, int revision)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        return With(name, id, revision);
    }

    /// <summary>Returns the name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name.Value;

    /// <summary>A copy with another name, id and revision (the store's save and rename).</summary>
    internal AgentProfile With(ProfileName? name = null, Guid? id = null, int? revision = null, string? llmProfileRef = null)
    {
        var copy = AgentProfileCodec.Clone(Document);
        copy.Name = (name ?? Name).Value;
        copy.Id = (id ?? Id).ToString();
        copy.Revision = revision ?? Revision;
        if (llmProfileRef is not null && copy is OpenHandsAgentProfileFileDocument openHands)
        {
            openHands.LlmProfileRef = llmProfileRef;
        }

        return new AgentProfile(copy);
    }
}
