using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>Log messages of the LLM chat clients and their fallbacks. They name models, profiles and endpoints, never keys or message content.</summary>
internal static partial class LlmLog
{
    [LoggerMessage(101, LogLevel.Debug, "Calling {Provider} model '{Model}' at {Endpoint}.")]
    public static partial void LlmCalling(this ILogger logger, string provider, string model, string endpoint);

    [LoggerMessage(102, LogLevel.Warning, "LLM call for model '{Model}' failed on attempt {Attempt} of {Attempts}: {Reason} Retrying in {DelaySeconds:0.###} s.")]
    public static partial void LlmRetrying(this ILogger logger, string model, int attempt, int attempts, string reason, double delaySeconds);

    [LoggerMessage(103, LogLevel.Debug, "LLM call for model '{Model}' answered in {LatencySeconds:0.###} s ({InputTokens} input, {OutputTokens} output tokens).")]
    public static partial void LlmAnswered(this ILogger logger, string model, double latencySeconds, long? inputTokens, long? outputTokens);

    [LoggerMessage(104, LogLevel.Warning, "LLM call for model '{Model}' failed after its retries ({Reason}); falling back to profile '{Fallback}' ({Position} of {Count}).")]
    public static partial void LlmFallingBack(this ILogger logger, string model, string reason, string fallback, int position, int count);

    [LoggerMessage(105, LogLevel.Warning, "Fallback profile '{Fallback}' could not be used: {Problem}")]
    public static partial void LlmFallbackFailed(this ILogger logger, string fallback, string problem);
}
