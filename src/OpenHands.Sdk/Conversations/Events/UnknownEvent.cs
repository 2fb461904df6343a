using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>An event of a kind this version does not model (kept so a history written by a newer SDK stays readable).</summary>
public sealed class UnknownEvent : ConversationEvent
{
    private readonly string _kind;

    /// <summary>Initializes a new instance of the <see cref="UnknownEvent"/> class.</summary>
    /// <param name="kind">The persisted kind.</param>
    /// <param name="json">The whole persisted event.</param>
    public UnknownEvent(string kind, JsonElement json)
    {
        _kind = kind;
        Json = json;
    }

    /// <inheritdoc/>
    public override string Kind => _kind;

    /// <summary>Gets the whole persisted event.</summary>
    public JsonElement Json { get; }
}
