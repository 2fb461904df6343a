using System.Collections.Immutable;
using System.Text.RegularExpressions;
using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>Where and how one <see cref="Llm"/> is called: endpoint, wire format, model on the wire and fixed headers.</summary>
/// <param name="Format">The wire format.</param>
/// <param name="Provider">A short provider name for messages and metadata (<c>openai</c>, <c>anthropic</c>, ...).</param>
/// <param name="Endpoint">The full URL requests are posted to.</param>
/// <param name="WireModel">The model sent in the body: the configured model without its provider prefix.</param>
/// <param name="Headers">Headers sent with every request (authentication, API version, attribution); may hold secrets.</param>
/// <param name="MaxTokensField">The body field for the output token limit.</param>
/// <param name="SendsTopK">Whether the provider accepts <c>top_k</c>.</param>
internal sealed partial record LlmRoute(
    LlmWireFormat Format,
    string Provider,
    Uri Endpoint,
    string WireModel,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string MaxTokensField,
    bool SendsTopK)
{
    public const string OpenAiBaseUrl = "https://api.openai.com/v1";
    public const string AnthropicBaseUrl = "https://api.anthropic.com";
    public const string AnthropicVersion = "2023-06-01";
    public const string OpenRouterBaseUrl = "https://openrouter.ai/api/v1";
    public const string DeepSeekBaseUrl = "https://api.deepseek.com";
    public const string OllamaBaseUrl = "http://localhost:11434";

    /// <summary>The providers with a built-in client: the model prefixes <see cref="Resolve"/> knows (the agent server lists them).</summary>
    public static readonly ImmutableArray<string> BuiltInProviders = ["openai", "anthropic", "azure", "litellm_proxy", "openrouter", "deepseek", "ollama", "openhands"];

    /// <summary>The model prefixes with a built-in client, for error messages.</summary>
    public static readonly string KnownPrefixes = string.Join(", ", BuiltInProviders.Select(p => p + "/"));

    /// <summary>The provider a model is routed to: its prefix, else <c>openai</c> or <c>anthropic</c> by the model's family, else <see langword="null"/>.</summary>
    public static string? ProviderOf(string model)
    {
        var trimmed = model.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            return trimmed[..slash];
        }

        return OpenAiFamily().IsMatch(trimmed) ? "openai" : trimmed.StartsWith("claude-", StringComparison.Ordinal) ? "anthropic" : null;
    }

    /// <summary>Maps a model (by its provider prefix) to an endpoint.</summary>
    /// <exception cref="LlmBadRequestException">No endpoint can be derived: an unknown prefix without a base URL, a missing base URL, or an invalid one.</exception>
    public static LlmRoute Resolve(Llm llm)
    {
        var model = llm.Model.Trim();
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash > 0 ? model[..slash] : null;
        var rest = slash > 0 ? model[(slash + 1)..] : model;
        var key = llm.ApiKey?.Reveal();
        var baseUrl = string.IsNullOrWhiteSpace(llm.BaseUrl) ? null : llm.BaseUrl.Trim();

        switch (prefix)
        {
            case "openai":
                return ChatCompletions(llm, "openai", baseUrl ?? OpenAiBaseUrl, rest, key, "max_completion_tokens", sendsTopK: false);
            case "openhands":
                return ChatCompletions(llm, "openhands", baseUrl ?? OpenHandsProxy.BaseUrl, rest, key, "max_completion_tokens", sendsTopK: true);
            case "litellm_proxy":
                return ChatCompletions(llm, "litellm_proxy", baseUrl ?? throw MissingBaseUrl(llm, "the URL of your LiteLLM proxy"), rest, key, "max_completion_tokens", sendsTopK: true);
            case "deepseek":
                return ChatCompletions(llm, "deepseek", baseUrl ?? DeepSeekBaseUrl, rest, key, "max_tokens", sendsTopK: false);
            case "openrouter":
                return ChatCompletions(llm, "openrouter", baseUrl ?? OpenRouterBaseUrl, rest, key, "max_tokens", sendsTopK: true) with
                {
                    Headers = [.. BearerHeaders(key), new("HTTP-Referer", llm.OpenRouterSiteUrl), new("X-Title", llm.OpenRouterAppName)],
                };
            case "ollama":
                {
                    var ollama = (string.IsNullOrWhiteSpace(llm.OllamaBaseUrl) ? null : llm.OllamaBaseUrl.Trim()) ?? baseUrl ?? OllamaBaseUrl;
                    var root = ParseBaseUrl(llm, ollama).AbsoluteUri.TrimEnd('/');
                    var endpoint = root.EndsWith("/v1", StringComparison.Ordinal) ? root + "/chat/completions" : root + "/v1/chat/completions";
                    return new LlmRoute(LlmWireFormat.ChatCompletions, "ollama", new Uri(endpoint), rest, BearerHeaders(key), "max_tokens", SendsTopK: true);
                }

            case "azure":
                {
                    var root = ParseBaseUrl(llm, baseUrl ?? throw MissingBaseUrl(llm, "your Azure OpenAI resource, such as https://<resource>.openai.azure.com")).AbsoluteUri.TrimEnd('/');
                    var endpoint = $"{root}/openai/deployments/{Uri.EscapeDataString(rest)}/chat/completions?api-version={Uri.EscapeDataString(llm.ApiVersion ?? LlmDefaults.AzureApiVersion)}";
                    List<KeyValuePair<string, string>> headers = key is null ? [] : [new("api-key", key)];
                    return new LlmRoute(LlmWireFormat.ChatCompletions, "azure", new Uri(endpoint), rest, headers, "max_tokens", SendsTopK: false);
                }

            case "anthropic":
                return Anthropic(llm, baseUrl, rest, key);
            default:
                break;
        }

        // Any other model goes to an explicit OpenAI-compatible endpoint unchanged (vLLM, LM Studio, a gateway...).
        if (baseUrl is not null)
        {
            return ChatCompletions(llm, "openai_compatible", baseUrl, model, key, "max_completion_tokens", sendsTopK: true);
        }

        // A bare model name of a well-known family, as LiteLLM infers it.
        if (prefix is null && OpenAiFamily().IsMatch(model))
        {
            return ChatCompletions(llm, "openai", OpenAiBaseUrl, model, key, "max_completion_tokens", sendsTopK: false);
        }

        if (prefix is null && model.StartsWith("claude-", StringComparison.Ordinal))
        {
            return Anthropic(llm, null, model, key);
        }

        throw new LlmBadRequestException(
            $"No chat client for model '{llm.Model}': " +
            (prefix is null ? "it has no provider prefix" : $"the provider prefix '{prefix}/' has no built-in client") +
            $" and no base URL is set. Use one of the prefixes {KnownPrefixes}; or set Llm.BaseUrl to an OpenAI-compatible endpoint " +
            "(the model is then sent as written); or register a client for the prefix with LlmChatClientFactoryOptions.Providers " +
            "or AddChatClientProvider.",
            null,
            llm.Model);
    }

    /// <summary>Names the route without its headers, which may hold keys.</summary>
    public override string ToString() => $"{Provider} {Endpoint.GetLeftPart(UriPartial.Path)} ({WireModel})";

    private static LlmRoute ChatCompletions(Llm llm, string provider, string baseUrl, string wireModel, string? key, string maxTokensField, bool sendsTopK)
    {
        var root = ParseBaseUrl(llm, baseUrl).AbsoluteUri.TrimEnd('/');
        return new LlmRoute(LlmWireFormat.ChatCompletions, provider, new Uri(root + "/chat/completions"), wireModel, BearerHeaders(key), maxTokensField, sendsTopK);
    }

    private static LlmRoute Anthropic(Llm llm, string? baseUrl, string wireModel, string? key)
    {
        var root = ParseBaseUrl(llm, baseUrl ?? AnthropicBaseUrl).AbsoluteUri.TrimEnd('/');
        var endpoint = root.EndsWith("/v1", StringComparison.Ordinal) ? root + "/messages" : root + "/v1/messages";
        List<KeyValuePair<string, string>> headers = [new("anthropic-version", AnthropicVersion)];
        if (key is not null)
        {
            headers.Add(new("x-api-key", key));
        }

        return new LlmRoute(LlmWireFormat.AnthropicMessages, "anthropic", new Uri(endpoint), wireModel, headers, "max_tokens", SendsTopK: true);
    }

    private static List<KeyValuePair<string, string>> BearerHeaders(string? key) => key is null ? [] : [new("Authorization", "Bearer " + key)];

    private static Uri ParseBaseUrl(Llm llm, string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            // Query and fragment of a base URL have no meaning here; user info would be sent in clear, so it is dropped too.
            return new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty, UserName = string.Empty, Password = string.Empty }.Uri;
        }

        throw new LlmBadRequestException(
            $"The base URL of model '{llm.Model}' is not an absolute http(s) URL. Set Llm.BaseUrl (or Llm.OllamaBaseUrl) to something like https://host/v1.",
            null,
            llm.Model);
    }

    private static LlmBadRequestException MissingBaseUrl(Llm llm, string what) =>
        new($"Model '{llm.Model}' needs a base URL: set Llm.BaseUrl to {what}.", null, llm.Model);

    [GeneratedRegex(@"^(gpt-|chatgpt-|o\d)", RegexOptions.CultureInvariant)]
    private static partial Regex OpenAiFamily();
}
