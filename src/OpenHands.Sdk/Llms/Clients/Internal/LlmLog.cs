using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>Log messages of the LLM chat clients. They name models and endpoints, never keys or message content.</summary>
internal static partial class LlmLog
{
    [LoggerMessage(101, LogLevel.Debug, "Calling {Provider} model '{Model}' at {Endpoint}.")]
    public static partial void LlmCalling(this ILogger logger, string provider, string model, string endpoint);

    [LoggerMessage(102, LogLevel.Warning, "LLM call for model '{Model}' failed on attempt {Attempt} of {Attempts}: {Reason} Retrying in {DelaySeconds:0.###} s.")]
    public static partial void LlmRetrying(this ILogger logger, string model, int attempt, int attempts, string reason, double delaySeconds);

    [LoggerMessage(103, LogLevel.Debug, "LLM call for model '{Model}' answered in {LatencySeconds:0.###} s ({InputTokens} input, {OutputTokens} output tokens).")]
    public static partial void LlmAnswered(this ILogger logger, string model, double latencySeconds, long? inputTokens, long? outputTokens);
}
