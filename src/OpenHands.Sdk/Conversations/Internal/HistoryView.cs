using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// What the model is shown of a history: the events it can read (system prompt, messages, actions and their results),
/// with every <see cref="CondensationEvent"/> applied in order (its forgotten events dropped, its summary put in their
/// place), as the Python SDK's <c>View</c> does.
/// </summary>
internal static class HistoryView
{
    public static List<ConversationEvent> Build(IReadOnlyList<ConversationEvent> events)
    {
        var view = new List<ConversationEvent>(events.Count);
        foreach (var e in events)
        {
            switch (e)
            {
                case CondensationEvent c:
                    var forgotten = c.ForgottenEventIds.ToHashSet(StringComparer.Ordinal);
                    view.RemoveAll(v => forgotten.Contains(v.Id));
                    if (c.Summary is { } summary && c.SummaryOffset is { } offset)
                    {
                        view.Insert(Math.Min(offset, view.Count), new CondensationSummaryEvent(c.Id + "-summary", summary));
                    }

                    break;
                case SystemPromptEvent or MessageEvent or ActionEvent or ObservationEvent or AgentErrorEvent or UserRejectObservationEvent:
                    view.Add(e);
                    break;
            }
        }

        return view;
    }

    /// <summary>Whether a <see cref="CondensationRequestEvent"/> came after the last condensation.</summary>
    public static bool HasUnhandledRequest(IReadOnlyList<ConversationEvent> events)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            switch (events[i])
            {
                case CondensationEvent:
                    return false;
                case CondensationRequestEvent:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether the event answers a tool call (so it must stay with the call).</summary>
    public static bool IsToolResult(ConversationEvent e) => e is ObservationEvent or AgentErrorEvent or UserRejectObservationEvent;
}

/// <summary>The summary a condensation puts in place of the events it forgot; shown to the model, never persisted.</summary>
internal sealed class CondensationSummaryEvent : ConversationEvent
{
    public CondensationSummaryEvent(string id, string summary)
    {
        Id = id;
        Summary = summary;
        Source = EventSource.Environment;
    }

    public override string Kind => "CondensationSummaryEvent";

    public string Summary { get; }
}
