namespace OpenHands.Sdk.Conversations;

/// <summary>Accumulated token usage and cost of one LLM usage id in a conversation.</summary>
/// <param name="ModelName">The model of the last call counted.</param>
/// <param name="AccumulatedCost">The total cost reported for the calls (0 when unknown).</param>
/// <param name="PromptTokens">Input tokens, all calls.</param>
/// <param name="CompletionTokens">Output tokens, all calls.</param>
/// <param name="CacheReadTokens">Input tokens served from the provider's prompt cache.</param>
/// <param name="ReasoningTokens">Reasoning tokens reported by the provider.</param>
/// <param name="PerTurnToken">Prompt plus completion tokens of the last call.</param>
/// <param name="Calls">The number of successful calls counted.</param>
public sealed record LlmUsageMetrics(
    string ModelName,
    double AccumulatedCost,
    long PromptTokens,
    long CompletionTokens,
    long CacheReadTokens,
    long ReasoningTokens,
    long PerTurnToken,
    int Calls)
{
    /// <summary>Creates empty metrics for a model.</summary>
    /// <param name="modelName">The model.</param>
    /// <returns>Metrics with every count at zero.</returns>
    public static LlmUsageMetrics Empty(string modelName) => new(modelName, 0, 0, 0, 0, 0, 0, 0);
}
