using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations;

/// <summary>Where a conversation stands after a run: its status, the agent's final answer and the usage so far.</summary>
/// <param name="Status">The execution status when the result was taken.</param>
/// <param name="FinalAnswer">
/// The agent's answer to the latest user message: the <c>finish</c> tool's message, else the last assistant text;
/// <see langword="null"/> when the agent has not answered it (yet).
/// </param>
/// <param name="Usage">Tokens, cost and calls of the whole conversation, summed over its LLMs.</param>
public sealed record ConversationResult(ConversationExecutionStatus Status, string? FinalAnswer, ConversationUsage Usage)
{
    private const string FinishToolName = "finish";

    /// <summary>Computes the result from a state and its events (so a restored conversation has one too).</summary>
    internal static ConversationResult From(ConversationState state, IReadOnlyList<ConversationEvent> events) =>
        From(state.ExecutionStatus, events, ConversationUsage.Sum(state.Metrics.Values));

    /// <summary>Computes the result from a status, the events and the usage (a remote conversation's, read over REST).</summary>
    internal static ConversationResult From(ConversationExecutionStatus status, IReadOnlyList<ConversationEvent> events, ConversationUsage usage) =>
        new(status, FindFinalAnswer(events), usage);

    private static string? FindFinalAnswer(IReadOnlyList<ConversationEvent> events)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            switch (events[i])
            {
                case ObservationEvent { ToolName: FinishToolName, IsError: false } finish:
                    return finish.Text;
                case MessageEvent { Source: EventSource.Agent } reply when !string.IsNullOrWhiteSpace(reply.Text):
                    return reply.Text;
                case MessageEvent { Source: EventSource.User }:
                    return null; // answers before the latest user message answered something else
            }
        }

        return null;
    }
}
