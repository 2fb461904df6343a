using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>Turns failed attempts into the typed <see cref="LlmException"/>s, with provider text redacted.</summary>
internal static class LlmErrors
{
    private const int MaxDetailLength = 600;

    // Wordings providers and LiteLLM use when a prompt does not fit (OpenAI, Anthropic, Azure, vLLM, Ollama, Gemini, DeepSeek).
    private static readonly string[] ContextWindowPhrases =
    [
        "context_length_exceeded", "context length", "context window", "contextwindowexceeded", "maximum context",
        "too many tokens", "prompt is too long", "input is too long", "exceeds the context", "exceed context limit",
        "exceeds the available context", "reduce the length of the messages", "input length and `max_tokens` exceed",
        "maximum number of tokens", "token limit",
    ];

    /// <summary>Maps a non-success HTTP answer to an exception. Retried kinds are decided by <see cref="LlmRetryPolicy"/>.</summary>
    public static LlmException FromStatus(LlmRoute route, Llm llm, SecretRedactor redactor, int status, string? body, TimeSpan? retryAfter)
    {
        var detail = Detail(body, redactor);
        var prefix = $"{route.Provider} answered HTTP {status} for model '{llm.Model}'";
        return status switch
        {
            401 or 403 => new LlmAuthenticationException(
                $"{prefix}: {detail} Check Llm.ApiKey: it is {(llm.ApiKey is null ? "not set" : "set but was refused")}.", status, llm.Model),
            429 => new LlmRateLimitException($"{prefix}: {detail} The provider is rate limiting; wait, or lower the request rate.", llm.Model, retryAfter),
            408 => new LlmTimeoutException($"{prefix}: {detail}", llm.Model, null) { RetryAfterHint = retryAfter },
            (400 or 413 or 422) when IsContextWindowText(body) => new LlmContextWindowExceededException(
                $"{prefix}: {detail} The conversation does not fit the model's context window: condense or shorten it.", status, llm.Model),
            >= 500 => new LlmServiceUnavailableException($"{prefix}: {detail}", status, llm.Model) { RetryAfterHint = retryAfter },
            _ => new LlmBadRequestException($"{prefix}: {detail}", status, llm.Model),
        };
    }

    /// <summary>The connection failed or broke before a whole answer arrived.</summary>
    public static LlmServiceUnavailableException Connection(LlmRoute route, Llm llm, SecretRedactor redactor, Exception exception) =>
        new(
            $"Could not get an answer from {route.Provider} at {route.Endpoint.GetLeftPart(UriPartial.Authority)} for model '{llm.Model}': " +
            $"{redactor.Redact(Messages(exception))}",
            null,
            llm.Model,
            exception);

    /// <summary>The caller's <see cref="HttpClient.Timeout"/> elapsed (Polly's own timeout surfaces as <c>TimeoutRejectedException</c>).</summary>
    public static LlmTimeoutException HttpClientTimeout(LlmRoute route, Llm llm, HttpClient http, Exception exception) =>
        new(
            $"The call to {route.Provider} for model '{llm.Model}' exceeded HttpClient.Timeout ({http.Timeout.TotalSeconds:0.###} s). " +
            "Give the factory an HttpClient with Timeout = Timeout.InfiniteTimeSpan and set Llm.Timeout instead.",
            llm.Model,
            http.Timeout,
            exception);

    public static LlmTimeoutException AttemptTimeout(Llm llm, TimeSpan timeout, int attempts, Exception exception) =>
        new(
            $"The LLM call for model '{llm.Model}' did not complete within {timeout.TotalSeconds:0.###} s (Llm.Timeout) " +
            $"on its last attempt ({attempts} attempt{(attempts == 1 ? string.Empty : "s")} allowed by Llm.NumRetries).",
            llm.Model,
            timeout,
            exception);

    public static LlmNoResponseException Empty(LlmRoute route, Llm llm, string what) =>
        new($"{route.Provider} answered without a usable reply for model '{llm.Model}': {what}.", llm.Model, null);

    /// <summary>Whether a provider error text says the prompt did not fit.</summary>
    public static bool IsContextWindowText(string? body) =>
        body is not null && ContextWindowPhrases.Any(p => body.Contains(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <c>Retry-After</c> (seconds or an HTTP date) and <c>retry-after-ms</c>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (headers.RetryAfter is { } value)
        {
            if (value.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (value.Date is { } date)
            {
                var wait = date - time.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }

    /// <summary>The provider's error message (OpenAI, Anthropic and LiteLLM shapes), else the body, redacted and shortened.</summary>
    public static string Detail(string? body, SecretRedactor redactor)
    {
        var text = ErrorMessage(body) ?? body?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return "(no error text).";
        }

        text = redactor.Redact(text);
        if (text.Length > MaxDetailLength)
        {
            text = string.Concat(text.AsSpan(0, MaxDetailLength), "...");
        }

        return text.EndsWith('.') ? text : text + ".";
    }

    private static string? ErrorMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart() is not ['{', ..])
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, OpenHandsJsonContext.Default.ProviderErrorDocument)?.Text;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Messages(Exception exception)
    {
        // The outer HttpRequestException often says only "An error occurred while sending the request"; the cause is inside.
        var messages = new List<string>();
        for (Exception? current = exception; current is not null && messages.Count < 4; current = current.InnerException)
        {
            var text = current.Message.TrimEnd('.');
            if (text.Length > 0 && !messages.Any(m => m.Contains(text, StringComparison.Ordinal)))
            {
                messages.Add(text);
            }
        }

        return string.Join(": ", messages) + ".";
    }
}
