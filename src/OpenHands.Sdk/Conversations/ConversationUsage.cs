namespace OpenHands.Sdk.Conversations;

/// <summary>Token usage and cost of a conversation, summed over the usage ids of <see cref="ConversationState.Metrics"/>.</summary>
/// <param name="PromptTokens">Input tokens, all calls.</param>
/// <param name="CompletionTokens">Output tokens, all calls.</param>
/// <param name="CacheReadTokens">Input tokens served from the provider's prompt cache.</param>
/// <param name="ReasoningTokens">Reasoning tokens reported by the provider.</param>
/// <param name="Cost">The total cost reported by the providers (0 when unknown).</param>
/// <param name="Calls">The number of successful LLM calls.</param>
public sealed record ConversationUsage(long PromptTokens, long CompletionTokens, long CacheReadTokens, long ReasoningTokens, double Cost, int Calls)
{
    /// <summary>Gets prompt plus completion tokens.</summary>
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Sums the usage of each usage id (for example <see cref="ConversationState.Metrics"/>'s values) into one.</summary>
    /// <param name="metrics">The usage of each LLM of a conversation.</param>
    /// <returns>The totals; all zero for no metrics.</returns>
    public static ConversationUsage Sum(IEnumerable<LlmUsageMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var (prompt, completion, cache, reasoning, cost, calls) = (0L, 0L, 0L, 0L, 0d, 0);
        foreach (var m in metrics)
        {
            prompt += m.PromptTokens;
            completion += m.CompletionTokens;
            cache += m.CacheReadTokens;
            reasoning += m.ReasoningTokens;
            cost += m.AccumulatedCost;
            calls += m.Calls;
        }

        return new ConversationUsage(prompt, completion, cache, reasoning, cost, calls);
    }
}
