using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Llms.Clients.Internal;

namespace OpenHands.Sdk.Llms;

/// <summary>
/// Creates the <see cref="IChatClient"/> that calls an <see cref="Llm"/>'s provider, chosen by the model's provider
/// prefix, with the Python SDK's retry policy.
/// </summary>
/// <remarks>
/// <para>Built-in providers (the prefix is removed from the model sent on the wire):</para>
/// <list type="bullet">
/// <item><description>OpenAI Chat Completions: <c>openai/</c> (default <c>https://api.openai.com/v1</c>),
/// <c>litellm_proxy/</c> (needs <see cref="Llm.BaseUrl"/>), <c>openrouter/</c> (adds <c>HTTP-Referer</c> and
/// <c>X-Title</c>), <c>deepseek/</c>, <c>ollama/</c> (<see cref="Llm.OllamaBaseUrl"/>, else <see cref="Llm.BaseUrl"/>,
/// else <c>http://localhost:11434</c>), <c>openhands/</c> (the OpenHands LLM proxy unless <see cref="Llm.BaseUrl"/>
/// is set), and any other model when <see cref="Llm.BaseUrl"/> is set (then sent unchanged).
/// Requests go to <c>{base_url}/chat/completions</c> with <c>Authorization: Bearer</c>.</description></item>
/// <item><description>Anthropic Messages: <c>anthropic/</c>, <c>x-api-key</c> and <c>anthropic-version: 2023-06-01</c>;
/// <c>max_tokens</c> defaults to <see cref="Llm.MaxOutputTokens"/>, else 8192; with <see cref="Llm.CachingPrompt"/>
/// the first system block and the last user block are marked for prompt caching. <see cref="Llm.ReasoningEffort"/>
/// is not sent (extended thinking is not requested).</description></item>
/// <item><description>Azure OpenAI: <c>azure/&lt;deployment&gt;</c>, posted to
/// <c>{base_url}/openai/deployments/{deployment}/chat/completions?api-version={api_version}</c> with an
/// <c>api-key</c> header.</description></item>
/// </list>
/// <para>
/// Messages map from Microsoft.Extensions.AI: <see cref="TextContent"/>, images (<see cref="DataContent"/>,
/// <see cref="UriContent"/>), <see cref="FunctionCallContent"/>, <see cref="FunctionResultContent"/> and
/// <see cref="TextReasoningContent"/>; tools are the <see cref="AIFunctionDeclaration"/>s of
/// <see cref="ChatOptions.Tools"/>. Values set on <see cref="ChatOptions"/> (temperature, top-p, top-k, maximum output
/// tokens, seed, stop sequences, reasoning effort) override the <see cref="Llm"/>'s. <c>reasoning_effort</c> is sent
/// only to OpenAI o-series and gpt-5 models, which then get no temperature or top-p. <see cref="Llm.ExtraHeaders"/>
/// are sent with every request, and <see cref="Llm.LitellmExtraBody"/> is merged into OpenAI-compatible bodies.
/// A session id in <c>ChatOptions.AdditionalProperties[</c><see cref="LlmChatProperties.SessionId"/><c>]</c> is sent as
/// <c>x-litellm-session-id</c>.
/// </para>
/// <para>
/// Replies: <see cref="ChatResponse.ResponseId"/>, <see cref="ChatResponse.ModelId"/>, <see cref="ChatResponse.FinishReason"/>,
/// <see cref="ChatResponse.Usage"/> (input, output, cached input and reasoning tokens, plus
/// <see cref="LlmChatProperties.ReasoningTokens"/> and <see cref="LlmChatProperties.CacheWriteTokens"/> in
/// <see cref="UsageDetails.AdditionalCounts"/>) and, in <see cref="ChatResponse.AdditionalProperties"/>,
/// <see cref="LlmChatProperties.Cost"/> and <see cref="LlmChatProperties.Latency"/>. Each tool call's
/// <see cref="AIContent.RawRepresentation"/> is its arguments JSON string exactly as the provider sent it.
/// <see cref="IChatClient.GetStreamingResponseAsync"/> streams on the wire (server-sent events; Chat Completions also asks
/// for the usage in a last chunk): text and reasoning arrive piece by piece, tool calls, usage, latency and cost whole at
/// the end, so <c>ToChatResponse()</c> of the updates equals the reply <see cref="IChatClient.GetResponseAsync"/> gives.
/// </para>
/// <para>
/// Retries follow the Python SDK: <see cref="Llm.NumRetries"/> is the total number of attempts (0 and 1 both mean
/// one); the wait after failed attempt n is <c>clamp(RetryMultiplier × 2^(n−1), RetryMinWait, RetryMaxWait)</c>
/// seconds, and at least the provider's <c>Retry-After</c>; each attempt may take <see cref="Llm.Timeout"/> seconds
/// (null or 0: no limit). Connection failures, timeouts, HTTP 408, 429, 500, 502, 503, 504 and empty replies are
/// retried; after an empty reply at temperature 0 the next attempt uses 1.0. Everything else fails at once. Failures
/// are <see cref="LlmException"/>s whose messages never contain the LLM's secrets. A streamed reply is retried until it
/// has started (its first text, reasoning or tool call); while it streams, <see cref="Llm.Timeout"/> bounds the wait for
/// each piece of data, and a failure ends the enumeration with its typed exception.
/// </para>
/// <para>
/// The factory and its clients are thread-safe. The <see cref="HttpClient"/> belongs to the caller; disposing a client
/// does not dispose it. Give it <c>Timeout = Timeout.InfiniteTimeSpan</c>: timeouts are the pipeline's job.
/// </para>
/// </remarks>
public sealed class LlmChatClientFactory
{
    private readonly HttpClient _httpClient;
    private readonly KeyValuePair<string, Func<Llm, IChatClient>>[] _providers;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LlmChatClientFactory"/> class.</summary>
    /// <param name="httpClient">The HTTP client for every call; owned by the caller and shared by all clients.</param>
    /// <param name="options">Custom providers; copied now. <see langword="null"/> means none.</param>
    /// <param name="timeProvider">The clock for waits, timeouts and latency; <see langword="null"/> means <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Logs attempts and retries (never keys or message content); <see langword="null"/> means no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A custom provider has a blank prefix or a <see langword="null"/> function.</exception>
    public LlmChatClientFactory(
        HttpClient httpClient,
        LlmChatClientFactoryOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<LlmChatClientFactory>() ?? NullLogger<LlmChatClientFactory>.Instance;
        var providers = new Dictionary<string, Func<Llm, IChatClient>>(StringComparer.Ordinal);
        foreach (var (prefix, create) in options?.Providers ?? new Dictionary<string, Func<Llm, IChatClient>>())
        {
            var key = prefix?.Trim().TrimEnd('/');
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("LlmChatClientFactoryOptions.Providers has a blank prefix; use a model prefix such as 'mycompany'.", nameof(options));
            }

            providers[key] = create ?? throw new ArgumentException($"LlmChatClientFactoryOptions.Providers['{key}'] is null.", nameof(options));
        }

        // Longest prefix first, so "litellm_proxy/anthropic" is tried before "litellm_proxy".
        _providers = [.. providers.OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal)];
    }

    /// <summary>Creates the chat client for <paramref name="llm"/>.</summary>
    /// <param name="llm">The LLM configuration; its values are fixed into the client.</param>
    /// <returns>
    /// A client for the provider of <see cref="Llm.Model"/>: a custom one registered for its prefix, else a built-in one.
    /// Creating it is cheap and sends nothing.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="LlmBadRequestException">
    /// No endpoint can be derived: an unknown provider prefix without <see cref="Llm.BaseUrl"/>, a provider that needs a
    /// base URL without one, or a base URL that is not an absolute http(s) URL. The message says what to set.
    /// </exception>
    /// <exception cref="InvalidOperationException">A custom provider function returned <see langword="null"/>.</exception>
    public IChatClient CreateClient(Llm llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        foreach (var (prefix, create) in _providers)
        {
            if (llm.Model.StartsWith(prefix + "/", StringComparison.Ordinal) || llm.Model == prefix)
            {
                return create(llm) ?? throw new InvalidOperationException($"The chat client provider registered for '{prefix}' returned null for model '{llm.Model}'.");
            }
        }

        return new LlmHttpChatClient(llm, LlmRoute.Resolve(llm), _httpClient, _timeProvider, _logger);
    }
}
