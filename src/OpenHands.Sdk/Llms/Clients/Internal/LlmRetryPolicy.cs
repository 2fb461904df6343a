using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// The resilience pipeline of one LLM client, with the Python SDK's semantics: <see cref="Llm.NumRetries"/> is the
/// total number of attempts, waits grow as <c>clamp(multiplier × 2^(n−1), min, max)</c> seconds, a provider's
/// <c>Retry-After</c> is a lower bound, and each attempt gets <see cref="Llm.Timeout"/> seconds.
/// </summary>
internal static class LlmRetryPolicy
{
    /// <summary>The total number of attempts: 0 and 1 both mean one.</summary>
    public static int Attempts(Llm llm) => Math.Max(1, llm.NumRetries);

    /// <summary>The per-attempt timeout, or <see langword="null"/> for none (<see cref="Llm.Timeout"/> null or 0).</summary>
    public static TimeSpan? AttemptTimeout(Llm llm) => llm.Timeout is { } seconds && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;

    public static ResiliencePipeline Build(Llm llm, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = "OpenHands.Llm" };
        var attempts = Attempts(llm);
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = attempts - 1,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(llm, args.AttemptNumber, args.Outcome.Exception)),
                UseJitter = false,
                OnRetry = args =>
                {
                    logger.LlmRetrying(llm.Model, args.AttemptNumber + 1, attempts, Reason(args.Outcome.Exception), args.RetryDelay.TotalSeconds);
                    return default;
                },
            });
        }

        if (AttemptTimeout(llm) is { } timeout)
        {
            // Inside the retry: every attempt has its own clock.
            builder.AddTimeout(timeout);
        }

        return builder.Build();
    }

    /// <summary>Connection failures, timeouts, 429, 500, 502, 503, 504 and empty answers are retried; nothing else.</summary>
    public static bool IsTransient(Exception? exception) => exception switch
    {
        TimeoutRejectedException => true,
        LlmTimeoutException or LlmRateLimitException or LlmNoResponseException => true,
        LlmServiceUnavailableException e => e.StatusCode is null or 500 or 502 or 503 or 504,
        _ => false,
    };

    /// <summary>
    /// The wait after the failed attempt <paramref name="attemptNumber"/> (zero-based):
    /// <c>clamp(retry_multiplier × 2^attemptNumber, retry_min_wait, retry_max_wait)</c> seconds, as tenacity's
    /// <c>wait_exponential</c>, and never shorter than the provider's <c>Retry-After</c>.
    /// </summary>
    public static TimeSpan Delay(Llm llm, int attemptNumber, Exception? exception)
    {
        var exponential = llm.RetryMultiplier * Math.Pow(2, attemptNumber);
        var seconds = Math.Max(Math.Max(0, llm.RetryMinWait), Math.Min(exponential, llm.RetryMaxWait));
        var delay = TimeSpan.FromSeconds(double.IsFinite(seconds) ? seconds : llm.RetryMaxWait);
        return exception is LlmException { RetryAfterHint: { } retryAfter } && retryAfter > delay ? retryAfter : delay;
    }

    private static string Reason(Exception? exception) => exception switch
    {
        null => "no exception",
        TimeoutRejectedException t => $"attempt timed out after {t.Timeout.TotalSeconds:0.###} s",
        _ => exception.Message, // our own messages, already redacted
    };
}
