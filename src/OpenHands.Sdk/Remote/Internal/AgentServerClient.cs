using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>
/// The HTTP layer of the remote client: one <see cref="HttpClient"/>, the session-key header, the Polly pipelines
/// (idempotent requests retried on 5xx, connection errors and timeouts; others tried once) and the one mapping of
/// status codes to typed exceptions.
/// </summary>
internal sealed class AgentServerClient : IDisposable
{
    public const string SessionKeyHeader = "X-Session-API-Key";
    public const string ExposeSecretsHeader = "X-Expose-Secrets";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly Func<HttpClient> _http;
    private readonly HttpClient? _owned;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _retrying;
    private readonly ResiliencePipeline<HttpResponseMessage> _once;

    /// <summary>Initializes a new instance of the <see cref="AgentServerClient"/> class.</summary>
    /// <param name="options">The server address, key and timing.</param>
    /// <param name="httpClientSource">
    /// Called for every request and websocket connect (so clients from <c>IHttpClientFactory</c> get fresh handlers);
    /// its clients are the caller's. <see langword="null"/>: one client this instance creates and disposes.
    /// </param>
    /// <param name="loggerFactory">Receives log messages; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public AgentServerClient(RemoteWorkspaceOptions options, Func<HttpClient>? httpClientSource, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var address = options.BaseAddress!.AbsoluteUri;
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        SessionApiKey = options.SessionApiKey;
        MaxAttempts = options.MaxAttempts;
        RetryDelay = options.RetryDelay;
        AttemptTimeout = options.AttemptTimeout;
        ReconnectDelay = options.ReconnectDelay;
        MaxReconnectDelay = options.MaxReconnectDelay;
        StatusPollInterval = options.StatusPollInterval;
        Time = timeProvider ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = LoggerFactory.CreateLogger<RemoteWorkspace>();
        if (httpClientSource is null)
        {
            // Polly owns the timeouts; pooled connections are recycled so DNS changes are picked up.
            var owned = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
            _owned = owned;
            _http = () => owned;
        }
        else
        {
            _http = httpClientSource;
        }

        _retrying = BuildPipeline(MaxAttempts);
        _once = BuildPipeline(1);
    }

    public Uri BaseAddress { get; }

    public SecretString? SessionApiKey { get; }

    public int MaxAttempts { get; }

    public TimeSpan RetryDelay { get; }

    public TimeSpan AttemptTimeout { get; }

    public TimeSpan ReconnectDelay { get; }

    public TimeSpan MaxReconnectDelay { get; }

    public TimeSpan StatusPollInterval { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the HTTP pipeline, also used for the websocket upgrade so that its handlers see it too.</summary>
    public HttpMessageInvoker Invoker => _http();

    /// <summary>Sends a request and reads its answer with the wire's contract <paramref name="contract"/>.</summary>
    /// <exception cref="AgentServerException">The server refused the request, failed, could not be reached, or answered with another shape.</exception>
    /// <exception cref="ProfileNotFoundException">The request named an LLM profile the server does not have.</exception>
    public async Task<T> SendAsync<T>(RemoteRequest request, JsonTypeInfo<T> contract, CancellationToken cancellationToken)
    {
        var (status, body) = await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return (body.Length == 0 ? default : JsonSerializer.Deserialize(body, contract))
                ?? throw new AgentServerRequestException($"The agent server at {BaseAddress} answered {request.Method} {request.Path} without a JSON value.", status, null, null);
        }
        catch (JsonException e)
        {
            throw new AgentServerRequestException(
                $"The agent server at {BaseAddress} answered {request.Method} {request.Path} with a body this client cannot read: {JsonErrors.Describe(e)}", status, null, e);
        }
    }

    /// <summary>Sends a request whose answer is not needed (<c>{"success": true}</c> and the like).</summary>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    /// <exception cref="ProfileNotFoundException">The request named an LLM profile the server does not have.</exception>
    public async Task SendAsync(RemoteRequest request, CancellationToken cancellationToken) =>
        await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);

    private async Task<(int Status, byte[] Body)> SendCoreAsync(RemoteRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var pipeline = request.Idempotent ? _retrying : _once;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        HttpResponseMessage response;
        var started = Time.GetTimestamp();
        try
        {
            response = await pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    using var message = state.Client.BuildMessage(state.Request, state.Body);
                    return await state.Client._http().SendAsync(message, HttpCompletionOption.ResponseContentRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Client: this, Request: request, Body: body)).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AgentServerRequestException(
                Redact($"Could not reach the agent server at {BaseAddress} ({request.Method} {request.Path}): {e.Message}", request), null, null, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new AgentServerRequestException(
                $"The agent server at {BaseAddress} did not answer {request.Method} {request.Path} within {AttemptTimeout.TotalSeconds:0.###} s.", null, null, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The HttpClient's own Timeout (a client the caller passed in).
            throw new AgentServerRequestException(
                $"The agent server at {BaseAddress} did not answer {request.Method} {request.Path} in time.", null, null, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            _logger.RequestCompleted(request.Method.Method, request.Path, status, (long)Time.GetElapsedTime(started).TotalMilliseconds);
            return response.IsSuccessStatusCode ? (status, bytes) : throw MapError(request, response.StatusCode, bytes);
        }
    }

    /// <summary>Builds the websocket URL of a path (<c>http</c> → <c>ws</c>, <c>https</c> → <c>wss</c>).</summary>
    public Uri WebSocketUri(string relativePathAndQuery)
    {
        var builder = new UriBuilder(new Uri(BaseAddress, relativePathAndQuery))
        {
            Scheme = BaseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return builder.Uri;
    }

    /// <summary>Replaces every secret this request or this client knows with the sentinel (the one redactor, <see cref="SecretRedactor"/>).</summary>
    public string Redact(string text, RemoteRequest? request = null) =>
        new SecretRedactor((request?.Secrets ?? []).Append(SessionApiKey)).Redact(text);

    public void Dispose()
    {
        _owned?.Dispose();
    }

    private static readonly ResiliencePropertyKey<RemoteRequest> RequestKey = new("OpenHands.Remote.Request");

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(int attempts)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = Time, Name = "OpenHands.Remote" };
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,   // RetryDelay, then twice that, ...
                Delay = RetryDelay,
                UseJitter = false,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    var reason = args.Outcome.Exception is { } e ? Redact(e.GetType().Name + ": " + e.Message, request)
                        : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
                    args.Outcome.Result?.Dispose();
                    _logger.RequestRetrying(request.Method.Method, request.Path, reason, args.AttemptNumber + 2, attempts, args.RetryDelay.TotalSeconds);
                    return default;
                },
            });
        }

        if (AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            // Inside the retry: every attempt has its own clock.
            builder.AddTimeout(AttemptTimeout);
        }
        return builder.Build();
    }

    /// <summary>5xx answers, connection failures and timeouts are transient; nothing else is retried.</summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) => outcome.Exception switch
    {
        null => (int)outcome.Result!.StatusCode >= 500,
        HttpRequestException or TimeoutRejectedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,   // a caller-supplied HttpClient's Timeout
        _ => false,
    };

    private HttpRequestMessage BuildMessage(RemoteRequest request, byte[]? body)
    {
        var message = new HttpRequestMessage(request.Method, new Uri(BaseAddress, request.Path));
        if (SessionApiKey is not null)
        {
            message.Headers.TryAddWithoutValidation(SessionKeyHeader, SessionApiKey.Reveal());
        }

        if (request.ExposeSecrets)
        {
            message.Headers.TryAddWithoutValidation(ExposeSecretsHeader, "plaintext");
        }

        if (request.CreateOnly)
        {
            message.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);   // create, never overwrite: 412 when it exists
        }

        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = JsonMediaType;
        }

        return message;
    }

    private Exception MapError(RemoteRequest request, HttpStatusCode statusCode, byte[] body)
    {
        var status = (int)statusCode;
        var (detail, errors) = RemoteErrors.Parse(body);
        detail = detail is null ? null : Redact(detail, request);
        errors = [.. errors.Select(e => Redact(e, request))];
        var what = $"{request.Method} {request.Path}";
        var said = detail is null ? string.Empty : $": {detail}";
        switch (status)
        {
            case 401:
            case 403:
                return new AgentServerAuthenticationException(
                    $"The agent server at {BaseAddress} rejected the session API key (HTTP {status} on {what}). "
                    + (SessionApiKey is null ? "No key was sent: set RemoteWorkspaceOptions.SessionApiKey." : "Set RemoteWorkspaceOptions.SessionApiKey to one of the server's keys."),
                    status, detail);
            case 404 when IsConversationNotFound(request, detail):
                return new ConversationNotFoundException(
                    request.Conversation ?? Guid.Empty, $"Conversation {request.Conversation} not found on the agent server at {BaseAddress}{said}", detail);
            case 404 when request.NotFound is NotFoundMeaning.Profile or NotFoundMeaning.ProfileOrConversation:
                var name = request.Profile is { } p ? $"'{p}'" : "(the active profile)";
                return ProfileNotFoundException.FromServer($"LLM profile {name} not found on the agent server at {BaseAddress}{said}", request.Profile);
            case 404 when request.NotFound is NotFoundMeaning.AgentProfile:
                return new AgentProfileNotFoundException($"Agent profile not found on the agent server at {BaseAddress}{said}");
            case 409:
                return new AgentServerConflictException($"The agent server at {BaseAddress} refused {what} (HTTP 409 Conflict){said}", detail);
            case 422:
                return new AgentServerValidationException(
                    $"The agent server at {BaseAddress} rejected {what} as invalid (HTTP 422){(errors.Count == 0 ? said : ": " + string.Join("; ", errors))}",
                    detail, errors);
            default:
                return new AgentServerRequestException($"The agent server at {BaseAddress} answered {what} with HTTP {status} {statusCode}{said}", status, detail, null);
        }
    }

    private static bool IsConversationNotFound(RemoteRequest request, string? detail) => request.NotFound switch
    {
        NotFoundMeaning.Conversation => true,
        NotFoundMeaning.ProfileOrConversation => detail?.StartsWith("Conversation not found", StringComparison.OrdinalIgnoreCase) == true,
        _ => false,
    };
}
