using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents.Condensers;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Runs an <see cref="LlmSummarizingCondenser"/>: when the view the model would be sent passes
/// <see cref="LlmSummarizingCondenser.MaxSize"/> (or a condensation was asked for), the older middle of the history is
/// summarized by the condenser's profile and a <see cref="CondensationEvent"/> is emitted. Tool calls are never separated
/// from their results.
/// </summary>
/// <remarks>Called under the conversation's gate.</remarks>
internal sealed class HistoryCondenser
{
    private const int MaxEventText = 4_000;
    private const double MinimumProgress = 0.1;

    private readonly LlmSummarizingCondenser _settings;
    private readonly Func<CancellationToken, Task<Llm>> _resolveLlm;
    private readonly Func<Llm, IChatClient> _clientFor;
    private readonly EventStream _events;
    private readonly Func<string, string> _mask;
    private readonly Action<Llm, ChatResponse> _recordUsage;
    private readonly ILogger _logger;
    private readonly Guid _conversationId;

    public HistoryCondenser(
        Guid conversationId, LlmSummarizingCondenser settings, Func<CancellationToken, Task<Llm>> resolveLlm, Func<Llm, IChatClient> clientFor,
        EventStream events, Func<string, string> mask, Action<Llm, ChatResponse> recordUsage, ILogger logger)
    {
        _recordUsage = recordUsage;
        _conversationId = conversationId;
        _settings = settings;
        _resolveLlm = resolveLlm;
        _clientFor = clientFor;
        _events = events;
        _mask = mask;
        _logger = logger;
    }

    /// <summary>Whether the next step should condense first.</summary>
    public bool IsDue(IReadOnlyList<ConversationEvent> events) =>
        HistoryView.HasUnhandledRequest(events) || HistoryView.Build(events).Count > _settings.MaxSize;

    /// <summary>Condenses now; <see langword="false"/> when there is nothing that can be condensed.</summary>
    /// <exception cref="LlmException">The summarizing call failed.</exception>
    public async Task<bool> CondenseAsync(IReadOnlyList<ConversationEvent> events, CancellationToken cancellationToken)
    {
        var view = HistoryView.Build(events);
        var tails = new List<int>();
        if (HistoryView.HasUnhandledRequest(events))
        {
            tails.Add(view.Count / 2 - _settings.KeepFirst - 1);
        }

        if (view.Count > _settings.MaxSize)
        {
            tails.Add(_settings.MaxSize / 2 - _settings.KeepFirst - 1);
        }

        if (tails.Count == 0)
        {
            return false;
        }

        var start = NextBoundary(view, _settings.KeepFirst);
        var end = NextBoundary(view, view.Count - Math.Max(0, tails.Min()));
        if (end <= start || end - start < view.Count * MinimumProgress)
        {
            return false;
        }

        var forgotten = view.GetRange(start, end - start);
        var llm = await _resolveLlm(cancellationToken).ConfigureAwait(false);
        var response = await _clientFor(llm).GetResponseAsync(
            [new ChatMessage(ChatRole.User, Prompt(forgotten))],
            new ChatOptions { AdditionalProperties = new AdditionalPropertiesDictionary { ["openhands.session_id"] = _conversationId.ToString() } },
            cancellationToken).ConfigureAwait(false);
        _recordUsage(llm, response);
        var summary = response.Text;
        _events.Emit(new CondensationEvent
        {
            Source = EventSource.Environment,
            ForgottenEventIds = [.. forgotten.Select(e => e.Id)],
            Summary = string.IsNullOrWhiteSpace(summary) ? null : _mask(summary),
            SummaryOffset = start,
            LlmResponseId = response.ResponseId ?? "resp-" + Guid.NewGuid().ToString("N"),
        });
        _logger.Condensed(_conversationId, forgotten.Count, llm.Model);
        return true;
    }

    /// <summary>The first index at or after <paramref name="index"/> where the view may be cut without splitting a tool call from its results or a batch of calls.</summary>
    private static int NextBoundary(List<ConversationEvent> view, int index)
    {
        for (var i = Math.Max(0, index); i < view.Count; i++)
        {
            var sameBatch = view[i] is ActionEvent a && i > 0 && view[i - 1] is ActionEvent previous && previous.LlmResponseId == a.LlmResponseId;
            if (!HistoryView.IsToolResult(view[i]) && !sameBatch)
            {
                return i;
            }
        }

        return view.Count;
    }

    private static string Prompt(List<ConversationEvent> forgotten)
    {
        var prompt = new StringBuilder("""
            You keep the working memory of a software agent whose history has grown too long. The events below are about to
            be removed from what the agent sees; write the summary it will read instead. Keep what the agent needs to go on:

            USER_CONTEXT: what the user asked for, with requirements and clarifications
            COMPLETED: what is done, with results
            PENDING: what is left to do
            CURRENT_STATE: files, variables, commands and facts that matter now
            For code tasks also CODE_STATE (paths, signatures), TESTS (failures, outputs), CHANGES (edits made) and
            VERSION_CONTROL_STATUS (branch, commits). Keep task ids and statuses exactly. Be brief; skip what does not matter.

            """);
        foreach (var e in forgotten)
        {
            var text = Describe(e);
            prompt.Append("<EVENT>\n").Append(text.Length > MaxEventText ? text[..MaxEventText] + " …" : text).Append("\n</EVENT>\n");
        }

        return prompt.Append("\nNow write the summary.").ToString();
    }

    private static string Describe(ConversationEvent e) => e switch
    {
        SystemPromptEvent s => "System prompt: " + s.SystemPrompt,
        MessageEvent m => $"{m.Role} message ({EventJsonCodec.SourceName(m.Source)}): {m.Text}",
        ActionEvent a => $"Action {a.ToolName}: {a.ToolCall.Arguments}" + (a.Thought.Length > 0 ? $" (thought: {a.Thought})" : string.Empty),
        ObservationEvent o => $"Result of {o.ToolName}{(o.IsError ? " (error)" : string.Empty)}: {o.Text}",
        AgentErrorEvent err => $"Error of {err.ToolName}: {err.Error}",
        UserRejectObservationEvent r => $"Rejected {r.ToolName}: {r.RejectionReason}",
        CondensationSummaryEvent c => "Summary of earlier events: " + c.Summary,
        _ => e.Kind,
    };
}
