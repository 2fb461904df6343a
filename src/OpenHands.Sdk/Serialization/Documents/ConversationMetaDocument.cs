using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>
/// <c>meta.json</c>: the agent server's record of a conversation beside its state (title, tags, times); fields this
/// version does not model are kept.
/// </summary>
internal sealed class ConversationMetaDocument
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public Dictionary<string, string>? Tags { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
