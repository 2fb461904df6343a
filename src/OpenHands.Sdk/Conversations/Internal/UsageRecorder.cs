using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Adds one LLM call's usage (tokens, cost, one call) to the conversation's metrics under a usage id: the agent's calls
/// under its profile's (<c>profile:&lt;name&gt;</c>), the condenser's under <c>condenser</c> (the Python SDK's id), so the
/// conversation's usage counts every call it paid for.
/// </summary>
internal static class UsageRecorder
{
    /// <summary>The usage id of the condenser's calls.</summary>
    public const string CondenserUsageId = "condenser";

    public static void Record(ConversationPersistence persistence, string usageId, Llm llm, ChatResponse response)
    {
        var state = persistence.State;
        var previous = state.Metrics.TryGetValue(usageId, out var m) ? m : LlmUsageMetrics.Empty(llm.Model);
        var usage = response.Usage;
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var reasoning = usage?.AdditionalCounts is { } counts && counts.TryGetValue("reasoning_tokens", out var r) ? r : 0;
        var cost = response.AdditionalProperties?.TryGetValue("cost", out var c) == true && c is double d ? d : 0;
        persistence.Update(state with
        {
            Metrics = state.Metrics.SetItem(usageId, previous with
            {
                ModelName = llm.Model,
                AccumulatedCost = previous.AccumulatedCost + cost,
                PromptTokens = previous.PromptTokens + input,
                CompletionTokens = previous.CompletionTokens + output,
                CacheReadTokens = previous.CacheReadTokens + (usage?.CachedInputTokenCount ?? 0),
                ReasoningTokens = previous.ReasoningTokens + reasoning,
                PerTurnToken = input + output,
                Calls = previous.Calls + 1,
            }),
        });
    }
}
