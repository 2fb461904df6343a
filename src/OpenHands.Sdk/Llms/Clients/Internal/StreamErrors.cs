using System.Text.RegularExpressions;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// Failures a provider reports inside a streamed reply, after it answered 200: an <c>error</c> event (Anthropic) or a
/// last data line holding an error object (LiteLLM, OpenRouter). Mapped to the same typed exceptions as HTTP errors.
/// </summary>
internal static partial class StreamErrors
{
    /// <summary>Whether a data line is an error object rather than a chunk (<c>{"error": ...}</c> or Anthropic's <c>{"type": "error", ...}</c>).</summary>
    public static bool IsErrorPayload(string data) => ErrorPayload().IsMatch(data);

    public static LlmException FromPayload(LlmRoute route, Llm llm, string data)
    {
        var detail = LlmErrors.Detail(data, new SecretRedactor(llm));
        var prefix = $"{route.Provider} reported an error in the streamed reply for model '{llm.Model}'";
        return data switch
        {
            _ when data.Contains("rate_limit", StringComparison.OrdinalIgnoreCase) =>
                new LlmRateLimitException($"{prefix}: {detail} The provider is rate limiting; wait, or lower the request rate.", llm.Model, null),
            _ when LlmErrors.IsContextWindowText(data) => new LlmContextWindowExceededException(
                $"{prefix}: {detail} The conversation does not fit the model's context window: condense or shorten it.", null, llm.Model),
            _ when data.Contains("invalid_request", StringComparison.OrdinalIgnoreCase) => new LlmBadRequestException($"{prefix}: {detail}", null, llm.Model),
            _ when data.Contains("authentication", StringComparison.OrdinalIgnoreCase) || data.Contains("permission", StringComparison.OrdinalIgnoreCase) =>
                new LlmAuthenticationException($"{prefix}: {detail} Check Llm.ApiKey.", null, llm.Model),
            _ => new LlmServiceUnavailableException($"{prefix}: {detail}", null, llm.Model),
        };
    }

    [GeneratedRegex("""^\s*\{\s*("error"\s*:|"type"\s*:\s*"error")""", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPayload();
}
