namespace OpenHands.Sdk.Llms.Internal;

/// <summary>Canonical form of models served through the OpenHands LLM proxy, as the Python SDK stores them.</summary>
internal static class OpenHandsProxy
{
    public const string BaseUrl = "https://llm-proxy.app.all-hands.dev";

    // Models the Python SDK lists as verified for the "openhands" provider; a legacy
    // "litellm_proxy/<model>" profile pointing at the proxy is rewritten to "openhands/<model>" only for these.
    private static readonly HashSet<string> VerifiedModels = new(StringComparer.Ordinal)
    {
        "claude-opus-4-8", "claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001",
        "claude-opus-4-1-20250805", "gpt-5.5", "gpt-5.2", "gpt-5.1", "gpt-5.1-codex", "gpt-5.1-codex-max",
        "gpt-5-codex", "gpt-5-2025-08-07", "gpt-5-mini-2025-08-07", "gemini-3-pro-preview", "deepseek-chat",
        "kimi-k2-thinking", "devstral-small-2507", "devstral-medium-2507", "devstral-medium-2512", "devstral-2512",
    };

    /// <summary>Returns the canonical model and whether the stored base URL is to be dropped.</summary>
    public static (string Model, bool DropBaseUrl) Canonicalize(string model, string? baseUrl)
    {
        if (model.StartsWith("openhands/", StringComparison.Ordinal))
        {
            return (model, IsProxyUrl(baseUrl));
        }

        const string legacyPrefix = "litellm_proxy/";
        if (model.StartsWith(legacyPrefix, StringComparison.Ordinal) && IsProxyUrl(baseUrl)
            && VerifiedModels.Contains(model[legacyPrefix.Length..]))
        {
            return ("openhands/" + model[legacyPrefix.Length..], true);
        }

        return (model, false);
    }

    private static bool IsProxyUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return false;
        }

        var path = uri.AbsolutePath.Trim().TrimEnd('/');
        var origin = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, BaseUrl, StringComparison.OrdinalIgnoreCase) && path is "" or "/v1";
    }
}
