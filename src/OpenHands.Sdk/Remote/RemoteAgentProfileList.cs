using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <summary>An agent server's agent profiles (<c>GET /api/agent-profiles</c>) and the active pointer.</summary>
/// <param name="Profiles">The readable profiles, as the server lists them.</param>
/// <param name="ActiveAgentProfileId">The active profile's id as stored (it may name no profile), or <see langword="null"/>.</param>
public sealed record RemoteAgentProfileList(IReadOnlyList<RemoteAgentProfileSummary> Profiles, string? ActiveAgentProfileId);

/// <summary>One agent profile of a <see cref="RemoteAgentProfileList"/>.</summary>
/// <param name="Id">The stable id (what activation and launches name).</param>
/// <param name="Name">The name (what the other routes name).</param>
/// <param name="Kind">The kind of agent.</param>
/// <param name="Revision">The edit counter.</param>
/// <param name="LlmProfileRef">The LLM profile it runs on (by name); <see langword="null"/> for ACP.</param>
public sealed record RemoteAgentProfileSummary(string? Id, string Name, AgentProfileKind Kind, int? Revision, string? LlmProfileRef);

/// <summary>What a launch of an agent profile would resolve (<c>materialize</c>, a dry run: nothing is written).</summary>
/// <param name="Valid">Whether a launch would succeed.</param>
/// <param name="Errors">Why not, one message per problem.</param>
/// <param name="LlmProfileResolved">Whether the referenced LLM profile was read.</param>
/// <param name="LlmApiKeySet">Whether that LLM profile holds a key (the key is never sent).</param>
/// <param name="DanglingMcpServerRefs">MCP servers the profile names that the server's settings do not configure.</param>
public sealed record RemoteAgentProfileDiagnostics(bool Valid, IReadOnlyList<string> Errors, bool LlmProfileResolved, bool LlmApiKeySet, IReadOnlyList<string> DanglingMcpServerRefs);
