using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Security;
using Polly;
using Polly.Timeout;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// The built-in <see cref="IChatClient"/>: one <see cref="Llm"/>, one provider endpoint, calls over a shared
/// <see cref="HttpClient"/> through a Polly pipeline (attempts, waits, per-attempt timeout).
/// </summary>
/// <remarks>Thread-safe and stateless between calls. Disposing it does nothing: the HttpClient belongs to the caller.</remarks>
internal sealed partial class LlmHttpChatClient : IChatClient
{
    private const string CostHeader = "x-litellm-response-cost";
    private const string SessionHeader = "x-litellm-session-id";

    private readonly Llm _llm;
    private readonly LlmRoute _route;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SecretRedactor _redactor;
    private readonly ResiliencePipeline _pipeline;
    private readonly ChatClientMetadata _metadata;

    public LlmHttpChatClient(Llm llm, LlmRoute route, HttpClient http, TimeProvider time, ILogger logger)
    {
        _llm = llm;
        _route = route;
        _http = http;
        _time = time;
        _logger = logger;
        _redactor = new SecretRedactor(llm);
        _pipeline = LlmRetryPolicy.Build(llm, time, logger);
        _metadata = new ChatClientMetadata(route.Provider, new Uri(route.Endpoint.GetLeftPart(UriPartial.Path)), route.WireModel);
    }

    public Llm Llm => _llm;

    public LlmRoute Route => _route;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = new CallState(this, [.. messages], options);
        try
        {
            return await _pipeline.ExecuteAsync(static (state, token) => state.Client.AttemptAsync(state, token), call, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw LlmErrors.AttemptTimeout(_llm, ex.Timeout, LlmRetryPolicy.Attempts(_llm), ex);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // Nothing owned: the HttpClient is the caller's.
    }

    /// <summary>Builds the request body of one attempt (exposed for tests of the wire shape).</summary>
    internal string BuildBody(IReadOnlyList<ChatMessage> messages, ChatOptions? options, double? temperatureOverride = null, bool stream = false)
    {
        var parameters = LlmCallParameters.From(_llm, options, temperatureOverride);
        var body = _route.Format == LlmWireFormat.AnthropicMessages
            ? AnthropicMessagesWire.BuildRequest(_route, _llm, messages, options, parameters)
            : ChatCompletionsWire.BuildRequest(_route, _llm, messages, options, parameters);
        if (stream)
        {
            // As the Python SDK asks: server-sent events, and (Chat Completions) the usage in a last chunk.
            body["stream"] = true;
            if (_route.Format == LlmWireFormat.ChatCompletions)
            {
                body["stream_options"] = new JsonObject { ["include_usage"] = true };
            }
        }

        return body.ToJsonString(WireJson.WireOptions);
    }

    /// <summary>The request of one attempt: body, route headers, session header, then <see cref="Llm.ExtraHeaders"/> (which win).</summary>
    private HttpRequestMessage BuildRequest(CallState call, bool stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _route.Endpoint)
        {
            Content = new StringContent(BuildBody(call.Messages, call.Options, call.TemperatureOverride, stream), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in _route.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (WireJson.SessionId(call.Options) is { } session)
        {
            request.Headers.TryAddWithoutValidation(SessionHeader, session);
        }

        foreach (var (name, value) in _llm.ExtraHeaders ?? [])
        {
            SetExtraHeader(request, name, value);
        }

        return request;
    }

    private async ValueTask<ChatResponse> AttemptAsync(CallState call, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(call, stream: false);
        _logger.LlmCalling(_route.Provider, _llm.Model, _route.Endpoint.GetLeftPart(UriPartial.Path));
        var started = _time.GetTimestamp();
        string text;
        HttpResponseHeaders headers;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            headers = response.Headers;
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // A cancelled read can surface as an I/O error; report it as the cancellation it is (Polly maps its own timeout).
            cancellationToken.ThrowIfCancellationRequested();
            throw LlmErrors.Connection(_route, _llm, _redactor, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not our token: HttpClient.Timeout of the caller's client elapsed.
            throw LlmErrors.HttpClientTimeout(_route, _llm, _http, ex);
        }

        if (status is < 200 or > 299)
        {
            throw LlmErrors.FromStatus(_route, _llm, _redactor, status, text, LlmErrors.RetryAfter(headers, _time));
        }

        var chat = ParseWhole(call, text);
        var latency = _time.GetElapsedTime(started).TotalSeconds;
        chat.AdditionalProperties ??= [];
        chat.AdditionalProperties[LlmChatProperties.Latency] = latency;
        if (Cost(headers, chat.Usage) is { } cost and > 0)
        {
            chat.AdditionalProperties[LlmChatProperties.Cost] = cost;
        }

        _logger.LlmAnswered(_llm.Model, latency, chat.Usage?.InputTokenCount, chat.Usage?.OutputTokenCount);
        return chat;
    }

    /// <summary>Reads a whole reply; an unusable one is an empty reply (retried, at temperature 1.0 after 0).</summary>
    private ChatResponse ParseWhole(CallState call, string text)
    {
        ChatResponse chat;
        try
        {
            using var doc = JsonDocument.Parse(text);
            chat = _route.Format == LlmWireFormat.AnthropicMessages
                ? AnthropicMessagesWire.ParseResponse(doc.RootElement)
                : ChatCompletionsWire.ParseResponse(doc.RootElement);
        }
        catch (JsonException)
        {
            call.LastWasEmpty = true;
            throw LlmErrors.Empty(_route, _llm, "the body is not JSON");
        }

        if (EmptyReason(chat) is { } reason)
        {
            call.LastWasEmpty = true;
            throw LlmErrors.Empty(_route, _llm, reason);
        }

        return chat;
    }

    /// <summary>Sets one of <see cref="Llm.ExtraHeaders"/>; they win over the defaults, as LiteLLM's extra_headers do.</summary>
    private void SetExtraHeader(HttpRequestMessage request, string name, string value)
    {
        try
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        catch (InvalidOperationException)
        {
            // A content header such as Content-Type.
            request.Content!.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        catch (FormatException ex)
        {
            throw new LlmBadRequestException(
                $"Llm.ExtraHeaders of model '{_llm.Model}' has a header name that HTTP does not allow: '{name}'.", null, _llm.Model, ex);
        }
    }

    /// <summary>Why a parsed reply is unusable (no choices, or neither text nor tool calls), or <see langword="null"/>.</summary>
    internal static string? EmptyReason(ChatResponse chat)
    {
        if (chat.Messages.Count == 0)
        {
            return "no choices";
        }

        var contents = chat.Messages.SelectMany(m => m.Contents).ToList();
        // Reasoning without text or tool calls is an answer: the agent nudges the model to act (Python's REASONING_ONLY).
        return contents.Any(c => c is FunctionCallContent || c is TextReasoningContent { Text.Length: > 0 }
                || (c is TextContent t && !string.IsNullOrWhiteSpace(t.Text)))
            ? null
            : "neither text nor tool calls";
    }

    private double? Cost(HttpResponseHeaders headers, UsageDetails? usage)
    {
        if (headers.TryGetValues(CostHeader, out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var header) && double.IsFinite(header))
        {
            return header;
        }

        if (_llm.InputCostPerToken is { } input && _llm.OutputCostPerToken is { } output && usage is not null)
        {
            return (input * (usage.InputTokenCount ?? 0)) + (output * (usage.OutputTokenCount ?? 0));
        }

        return null;
    }

    /// <summary>One call across its attempts.</summary>
    private sealed class CallState(LlmHttpChatClient client, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        public LlmHttpChatClient Client { get; } = client;

        public IReadOnlyList<ChatMessage> Messages { get; } = messages;

        public ChatOptions? Options { get; } = options;

        /// <summary>Gets the token of the whole call (a stream outlives the attempt that opened it).</summary>
        public CancellationToken CallerToken { get; init; }

        /// <summary>Set when an attempt got an empty reply.</summary>
        public bool LastWasEmpty { get; set; }

        /// <summary>After an empty reply at temperature 0, the next attempt samples at 1.0 (as the Python SDK does).</summary>
        public double? TemperatureOverride =>
            LastWasEmpty && (Options?.Temperature ?? Client._llm.Temperature) == 0 ? 1.0 : null;
    }
}
