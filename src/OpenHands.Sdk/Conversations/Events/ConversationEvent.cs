using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// An immutable record appended to a conversation's event log, persisted as JSON with the Python SDK's
/// <c>kind</c> discriminator and field names.
/// </summary>
/// <remarks>Events hold no secrets. Fields this version does not model are kept in <see cref="AdditionalProperties"/>.</remarks>
public abstract class ConversationEvent
{
    /// <summary>Initializes a new instance of the <see cref="ConversationEvent"/> class.</summary>
    private protected ConversationEvent()
    {
    }

    /// <summary>Gets the event's id (a UUID string for events made here).</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString();

    private DateTimeOffset _timestamp;
    private string? _parentId;

    /// <summary>Gets when the event was created.</summary>
    public DateTimeOffset Timestamp { get => _timestamp; init => _timestamp = value; }

    /// <summary>Gets who produced the event.</summary>
    public EventSource Source { get; init; }

    /// <summary>Gets the id of the previous event on the conversation's branch, or <see langword="null"/> for the first.</summary>
    public string? ParentId { get => _parentId; init => _parentId = value; }

    /// <summary>Gets the event kind persisted as <c>kind</c>, for example <c>MessageEvent</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Returns a copy stamped with the time it is appended and the event before it.</summary>
    internal ConversationEvent Stamped(DateTimeOffset timestamp, string? parentId)
    {
        var copy = (ConversationEvent)MemberwiseClone();
        copy._timestamp = timestamp;
        copy._parentId = parentId;
        return copy;
    }

    /// <summary>Gets fields this version does not model, kept as JSON.</summary>
    public ImmutableDictionary<string, JsonElement> AdditionalProperties { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;
}
