namespace OpenHands.Sdk.Llms;

/// <summary>
/// Keys of the <c>AdditionalProperties</c> that the chat clients of <see cref="LlmChatClientFactory"/> read from
/// <c>ChatOptions</c> and write to <c>ChatResponse</c>.
/// </summary>
public static class LlmChatProperties
{
    /// <summary>
    /// <c>ChatOptions.AdditionalProperties</c> key of the session (conversation) id. When set, it is sent as the
    /// <c>x-litellm-session-id</c> header so that a LiteLLM proxy groups the calls of one conversation.
    /// </summary>
    public const string SessionId = "openhands.session_id";

    /// <summary>
    /// <c>ChatResponse.AdditionalProperties</c> key of the call's cost (a <see cref="double"/>): the proxy's
    /// <c>x-litellm-response-cost</c> header, else <see cref="Llm.InputCostPerToken"/> and
    /// <see cref="Llm.OutputCostPerToken"/> times the token counts. Absent when unknown or zero.
    /// </summary>
    public const string Cost = "cost";

    /// <summary>
    /// <c>ChatResponse.AdditionalProperties</c> key of the successful attempt's latency in seconds (a <see cref="double"/>),
    /// measured with the factory's <see cref="TimeProvider"/>.
    /// </summary>
    public const string Latency = "latency";

    /// <summary>
    /// <c>ChatResponse.Usage.AdditionalCounts</c> key of the reasoning tokens (also in <c>UsageDetails.ReasoningTokenCount</c>),
    /// named as in the Python SDK's metrics.
    /// </summary>
    public const string ReasoningTokens = "reasoning_tokens";

    /// <summary>
    /// <c>ChatResponse.Usage.AdditionalCounts</c> key of the input tokens written to the provider's prompt cache
    /// (OpenAI-compatible <c>cache_creation_input_tokens</c>, Anthropic <c>cache_creation_input_tokens</c>).
    /// </summary>
    public const string CacheWriteTokens = "cache_write_tokens";
}
