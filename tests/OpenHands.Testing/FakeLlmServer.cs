using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenHands.Testing;

/// <summary>
/// A scripted LLM provider on a real Kestrel server at <c>http://127.0.0.1:&lt;free port&gt;</c>, for tests that make
/// real HTTP calls without a real provider.
/// </summary>
/// <remarks>
/// <para>
/// It speaks OpenAI Chat Completions on <c>POST /v1/chat/completions</c>, <c>/chat/completions</c> and the Azure path
/// <c>/openai/deployments/{deployment}/chat/completions</c>, and Anthropic Messages on <c>POST /v1/messages</c>. Each
/// request takes the next reply from the queue (<see cref="Enqueue"/>), else asks <see cref="Responder"/>, else gets
/// HTTP 500 with a "no scripted reply" error. Every request is recorded in <see cref="Requests"/> before it is answered.
/// </para>
/// <para>
/// A request with <c>"stream": true</c> gets the same reply as server-sent events, in the shape of the endpoint's
/// format: Chat Completions chunks ending with <c>data: [DONE]</c> (and a usage chunk when <c>stream_options.include_usage</c>
/// is set), or Anthropic's <c>message_start</c> … <c>message_stop</c> events. Text is sent a word at a time, tool-call
/// arguments in two pieces.
/// </para>
/// <para>Point an LLM at it with <c>BaseUrl = server.BaseUrl</c> (Anthropic, Azure) or <c>server.BaseUrl + "/v1"</c> (OpenAI-compatible).
/// Thread-safe.</para>
/// </remarks>
public sealed partial class FakeLlmServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<FakeReply> _replies = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private string? _baseUrl;
    private int _ids;

    /// <summary>Gets the server's root URL, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    public string BaseUrl => _baseUrl ?? throw new InvalidOperationException("FakeLlmServer is not started: call StartAsync first.");

    /// <summary>
    /// Gets or sets the function that answers requests when the queue is empty, for replies that depend on the
    /// request. <see langword="null"/> (the default) means an empty queue answers HTTP 500.
    /// </summary>
    public Func<RecordedRequest, FakeReply>? Responder { get; set; }

    /// <summary>Gets a snapshot of the requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the number of queued replies not yet sent.</summary>
    public int PendingReplyCount
    {
        get
        {
            lock (_gate)
            {
                return _replies.Count;
            }
        }
    }

    /// <summary>Starts a new server.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static async Task<FakeLlmServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeLlmServer();
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts Kestrel on 127.0.0.1 with a free port; <see cref="BaseUrl"/> is set afterwards.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the server listens.</returns>
    /// <exception cref="InvalidOperationException">The server was already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("FakeLlmServer is already started.");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseUrl = address.TrimEnd('/');
        _app = app;
    }

    /// <summary>Adds replies to the end of the queue; each request takes one.</summary>
    /// <param name="replies">The replies, in the order they are to be sent.</param>
    public void Enqueue(params FakeReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _replies.Enqueue(reply ?? throw new ArgumentException("A reply is null.", nameof(replies)));
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived (they are recorded before they are answered).</summary>
    /// <param name="count">The number of requests to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when enough requests have arrived.</returns>
    public Task WaitForRequestsAsync(int count, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the server; pending delayed replies end at once.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is { } app)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static bool IsAnthropicPath(string path) => path == "/v1/messages";

    private static bool IsChatCompletionsPath(string path) =>
        path is "/v1/chat/completions" or "/chat/completions"
        || (path.StartsWith("/openai/deployments/", StringComparison.Ordinal) && path.EndsWith("/chat/completions", StringComparison.Ordinal));

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string bodyText;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            bodyText = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = request.Path.Value ?? "/";
        var known = request.Method == HttpMethods.Post && (IsAnthropicPath(path) || IsChatCompletionsPath(path));
        RecordedRequest recorded;
        FakeReply? reply = null;
        lock (_gate)
        {
            recorded = new RecordedRequest(_requests.Count + 1, request.Method, path, request.QueryString.Value ?? string.Empty, headers, bodyText);
            _requests.Add(recorded);
            if (known && _replies.Count > 0)
            {
                reply = _replies.Dequeue();
            }

            foreach (var waiter in _waiters.Where(w => w.Count <= _requests.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }

        if (!known)
        {
            await WriteErrorAsync(context, 404, $"FakeLlmServer serves POST /v1/chat/completions, /chat/completions, /openai/deployments/{{deployment}}/chat/completions and /v1/messages; got {recorded}.").ConfigureAwait(false);
            return;
        }

        try
        {
            reply ??= Responder?.Invoke(recorded);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await WriteErrorAsync(context, 500, $"FakeLlmServer's Responder threw for request {recorded}: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return;
        }

        if (reply is null)
        {
            await WriteErrorAsync(context, 500, $"FakeLlmServer has no scripted reply for request {recorded}: Enqueue a FakeReply or set Responder.").ConfigureAwait(false);
            return;
        }

        await SendAsync(context, recorded, reply).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpContext context, RecordedRequest request, FakeReply reply)
    {
        if (reply.DelayBy > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(reply.DelayBy, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return;
            }
        }

        var response = context.Response;
        foreach (var (name, value) in reply.ExtraHeaders)
        {
            response.Headers.Append(name, value);
        }

        switch (reply.Kind)
        {
            case FakeReplyKind.Hang:
                await HangAsync(context, request).ConfigureAwait(false);
                return;
            case FakeReplyKind.Completion when IsStreaming(request):
                await StreamAsync(context, request, reply).ConfigureAwait(false);
                return;
            case FakeReplyKind.Drop:
                response.StatusCode = 200;
                response.ContentType = "application/json";
                response.ContentLength = 4096;
                await response.Body.WriteAsync("{\"id\": \"cut-"u8.ToArray()).ConfigureAwait(false);
                await response.Body.FlushAsync().ConfigureAwait(false);
                context.Abort();
                return;
            case FakeReplyKind.Raw:
                response.StatusCode = reply.Status;
                if (reply.RetryAfter is { } retryAfter)
                {
                    response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                var body = reply.RawBody ?? string.Empty;
                response.ContentType = body.TrimStart().StartsWith('{') || body.TrimStart().StartsWith('[') ? "application/json" : "text/plain";
                await response.WriteAsync(body).ConfigureAwait(false);
                return;
            default:
                response.StatusCode = 200;
                response.ContentType = "application/json";
                var json = request.IsAnthropic ? AnthropicBody(request, reply) : ChatCompletionsBody(request, reply);
                await response.WriteAsync(json.ToJsonString()).ConfigureAwait(false);
                return;
        }
    }

    private JsonObject ChatCompletionsBody(RecordedRequest request, FakeReply reply)
    {
        var id = NextId();
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.ReplyText };
        if (reply.ReasoningText is not null)
        {
            message["reasoning_content"] = reply.ReasoningText;
        }

        if (reply.Calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. reply.Calls.Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = c.Id ?? $"call_{NextId()}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.ArgumentsJson },
            })]);
        }

        var choices = new JsonArray();
        if (!reply.NoChoices)
        {
            choices.Add(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = reply.FinishReason ?? (reply.Calls.Count > 0 ? "tool_calls" : "stop"),
            });
        }

        return new JsonObject
        {
            ["id"] = $"chatcmpl-fake-{id}",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000 + id,
            ["model"] = request.Model ?? DeploymentOf(request.Path) ?? "fake-model",
            ["choices"] = choices,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = reply.PromptTokens,
                ["completion_tokens"] = reply.CompletionTokens,
                ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = reply.CachedTokens },
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reply.ReasoningTokens },
            },
        };
    }

    private JsonObject AnthropicBody(RecordedRequest request, FakeReply reply)
    {
        var id = NextId();
        var content = new JsonArray();
        if (!reply.NoChoices)
        {
            if (reply.ReasoningText is not null)
            {
                content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = reply.ReasoningText, ["signature"] = $"sig-fake-{id}" });
            }

            if (reply.ReplyText is not null)
            {
                content.Add(new JsonObject { ["type"] = "text", ["text"] = reply.ReplyText });
            }

            foreach (var call in reply.Calls)
            {
                content.Add(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = call.Id ?? $"toolu_fake_{NextId()}",
                    ["name"] = call.Name,
                    ["input"] = JsonNode.Parse(call.ArgumentsJson),
                });
            }
        }

        return new JsonObject
        {
            ["id"] = $"msg_fake_{id}",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = request.Model ?? "fake-model",
            ["content"] = content,
            ["stop_reason"] = reply.FinishReason ?? (reply.Calls.Count > 0 ? "tool_use" : "end_turn"),
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = reply.PromptTokens - reply.CachedTokens,
                ["cache_read_input_tokens"] = reply.CachedTokens,
                ["cache_creation_input_tokens"] = 0,
                ["output_tokens"] = reply.CompletionTokens,
            },
        };
    }

    private static string? DeploymentOf(string path)
    {
        const string prefix = "/openai/deployments/";
        return path.StartsWith(prefix, StringComparison.Ordinal) ? Uri.UnescapeDataString(path[prefix.Length..path.IndexOf('/', prefix.Length)]) : null;
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "fake_server_error" } };
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }
}
