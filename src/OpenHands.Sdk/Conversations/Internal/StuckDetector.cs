using System.Text.Json;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Tells when the agent goes round in circles, with the Python SDK's rules and thresholds, over the last 20 events
/// after the latest user message: the same action and observation 4 times; the same action failing with an error more
/// than 3 times (after one nudge at 3); 3 agent messages in a row; or two action/observation pairs alternating 6 times.
/// </summary>
/// <remarks>Called under the conversation's gate; keeps which error streak it already nudged about.</remarks>
internal sealed class StuckDetector
{
    private const int Window = 20;
    private const int ActionObservation = 4;
    private const int ActionError = 3;
    private const int Monologue = 3;
    private const int Alternating = 6;

    private string? _nudgedErrorId;

    /// <summary>What the run loop should do: <see langword="null"/> to go on, a nudge message to send, or a stuck pattern.</summary>
    public (string? Nudge, string? StuckPattern) Check(IReadOnlyList<ConversationEvent> log)
    {
        var events = RecentSinceUserMessage(log);
        if (events.Count < Math.Min(ActionObservation, Math.Min(ActionError, Monologue)))
        {
            return (null, null);
        }

        var (actions, results) = Collect(events, Math.Max(ActionObservation, ActionError + 1), e => HistoryView.IsToolResult(e));
        var streak = ErrorStreak(actions, results);
        if (streak == ActionError && results[0].Id != _nudgedErrorId)
        {
            _nudgedErrorId = results[0].Id;
            var action = (ActionEvent)actions[0];
            return ($"You've called `{action.ToolName}` with the same arguments {ActionError} times in a row and got the same error each time: "
                + $"{((AgentErrorEvent)results[0]).Error} Repeating the exact same call will not work: read the error, then correct the arguments or try another approach.", null);
        }

        if (actions.Count >= ActionObservation && results.Count >= ActionObservation
            && actions.Take(ActionObservation).All(a => Same(actions[0], a)) && results.Take(ActionObservation).All(o => Same(results[0], o)))
        {
            return (null, $"the same action and observation repeated {ActionObservation} times");
        }

        if (streak > ActionError)
        {
            return (null, $"the same action failed with an error more than {ActionError} times");
        }

        if (IsMonologue(events))
        {
            return (null, $"{Monologue} agent messages in a row without a user message");
        }

        if (events.Count >= Alternating)
        {
            var (a, o) = Collect(events, Alternating, e => e is ObservationEvent or AgentErrorEvent);
            if (a.Count == Alternating && o.Count == Alternating
                && Enumerable.Range(0, Alternating - 2).All(i => Same(a[i], a[i + 2]) && Same(o[i], o[i + 2])))
            {
                return (null, $"two actions and their observations alternating {Alternating} times");
            }
        }

        return (null, null);
    }

    private static List<ConversationEvent> RecentSinceUserMessage(IReadOnlyList<ConversationEvent> log)
    {
        var start = Math.Max(0, log.Count - Window);
        var events = new List<ConversationEvent>(log.Count - start);
        for (var i = start; i < log.Count; i++)
        {
            if (log[i] is MessageEvent { Source: EventSource.User })
            {
                events.Clear();
            }
            else
            {
                events.Add(log[i]);
            }
        }

        return events;
    }

    /// <summary>The last <paramref name="max"/> actions and results, most recent first.</summary>
    private static (List<ConversationEvent> Actions, List<ConversationEvent> Results) Collect(List<ConversationEvent> events, int max, Func<ConversationEvent, bool> isResult)
    {
        var actions = new List<ConversationEvent>();
        var results = new List<ConversationEvent>();
        for (var i = events.Count - 1; i >= 0 && (actions.Count < max || results.Count < max); i--)
        {
            if (events[i] is ActionEvent && actions.Count < max)
            {
                actions.Add(events[i]);
            }
            else if (isResult(events[i]) && results.Count < max)
            {
                results.Add(events[i]);
            }
        }

        return (actions, results);
    }

    private static int ErrorStreak(List<ConversationEvent> actions, List<ConversationEvent> results)
    {
        var streak = 0;
        for (var i = 0; i < Math.Min(actions.Count, results.Count) && Same(actions[0], actions[i]) && results[i] is AgentErrorEvent; i++)
        {
            streak++;
        }

        return streak;
    }

    private static bool IsMonologue(List<ConversationEvent> events)
    {
        var count = 0;
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i] is MessageEvent { Source: EventSource.Agent })
            {
                count++;
            }
            else if (events[i] is not CondensationEvent)
            {
                break;
            }
        }

        return count >= Monologue;
    }

    /// <summary>Whether two events say the same, ignoring ids, times and call ids (the Python detector's comparison).</summary>
    private static bool Same(ConversationEvent x, ConversationEvent y) => (x, y) switch
    {
        (ActionEvent a, ActionEvent b) => a.Source == b.Source && a.Thought == b.Thought && a.ToolName == b.ToolName && SameJson(a.Action, b.Action),
        (ObservationEvent a, ObservationEvent b) => a.Source == b.Source && a.ToolName == b.ToolName && a.Text == b.Text && a.IsError == b.IsError
            && a.ObservationFields.Count == b.ObservationFields.Count
            && a.ObservationFields.All(f => b.ObservationFields.TryGetValue(f.Key, out var v) && JsonElement.DeepEquals(f.Value, v)),
        (AgentErrorEvent a, AgentErrorEvent b) => a.Source == b.Source && a.Error == b.Error,
        (UserRejectObservationEvent a, UserRejectObservationEvent b) => a.ToolName == b.ToolName && a.RejectionReason == b.RejectionReason,
        (MessageEvent a, MessageEvent b) => a.Source == b.Source && a.Role == b.Role && a.Text == b.Text,
        _ => false,
    };

    private static bool SameJson(JsonElement? a, JsonElement? b) =>
        a is null ? b is null : b is not null && JsonElement.DeepEquals(a.Value, b.Value);
}
