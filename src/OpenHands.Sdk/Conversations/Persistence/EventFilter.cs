using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// Which events an event search or count takes (the agent-server's filters): a kind, a source name, a case-insensitive
/// text, and a timestamp range (<see cref="From"/> included, <see cref="To"/> excluded). A null field takes every event.
/// </summary>
/// <param name="Kind">The event kind, such as <c>MessageEvent</c>.</param>
/// <param name="Source">The source name the Python SDK writes (<c>user</c>, <c>agent</c>, <c>environment</c>).</param>
/// <param name="Body">Text a message, an action's thought or an observation contains, ignoring case.</param>
/// <param name="From">The earliest timestamp taken.</param>
/// <param name="To">The first timestamp no longer taken.</param>
public sealed record EventFilter(string? Kind, string? Source, string? Body, DateTimeOffset? From, DateTimeOffset? To)
{
    /// <summary>The filter that takes every event.</summary>
    public static readonly EventFilter All = new(null, null, null, null, null);

    /// <summary>Whether the filter takes every event (then a page is a range of positions, found without a scan).</summary>
    internal bool TakesAll => Kind is null && Source is null && Body is null && From is null && To is null;

    internal bool Matches(ConversationEvent e) =>
        (Kind is null || e.Kind == Kind)
        && (Source is null || EventJsonCodec.SourceName(e.Source) == Source)
        && (From is null || e.Timestamp >= From)
        && (To is null || e.Timestamp < To)
        && (Body is null || (TextOf(e)?.Contains(Body, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <summary>The text the <see cref="Body"/> filter searches: a message's text, an action's thought, an observation's output.</summary>
    private static string? TextOf(ConversationEvent e) => e switch
    {
        MessageEvent m => m.Text,
        ActionEvent a => a.Thought,
        ObservationEvent o => o.Text,
        _ => null,
    };
}
