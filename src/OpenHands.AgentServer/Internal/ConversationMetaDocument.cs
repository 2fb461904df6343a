using System.Text.Json;
using System.Text.Json.Serialization;

using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// <c>meta.json</c>: the server's record of a conversation beside its state (title, tags, times); fields this
/// version does not model are kept.
/// </summary>
internal sealed class ConversationMetaDocument
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public Dictionary<string, string>? Tags { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Gets or sets the LLM profile the conversation is bound to (the seed PR's <c>llm_profile_id</c>; the state holds the same reference).</summary>
    public string? LlmProfileId { get; set; }

    /// <summary>Gets or sets the agent profile the conversation was launched from, if any (provenance only).</summary>
    public LaunchedAgentProfileDocument? LaunchedAgentProfile { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
