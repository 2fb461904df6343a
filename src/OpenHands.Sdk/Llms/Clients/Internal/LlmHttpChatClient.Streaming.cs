using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// Streaming on the wire: server-sent events, decoded per format. Attempts are retried (with the same pipeline as whole
/// replies) until the reply has started, that is until the first text, reasoning or tool call arrived; an empty stream
/// counts as an empty reply. After that, a failure ends the enumeration with a typed <see cref="LlmException"/>.
/// While streaming, <see cref="Llm.Timeout"/> bounds the wait for each piece of data (as the Python SDK's read timeout).
/// </summary>
internal sealed partial class LlmHttpChatClient
{
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = new CallState(this, [.. messages], options) { CallerToken = cancellationToken };
        OpenStream stream;
        try
        {
            stream = await _pipeline.ExecuteAsync(static (state, token) => state.Client.OpenStreamAsync(state, token), call, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw LlmErrors.AttemptTimeout(_llm, ex.Timeout, LlmRetryPolicy.Attempts(_llm), ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            foreach (var update in stream.Buffered)
            {
                yield return update;
            }

            while (await stream.NextAsync(pollyToken: null).ConfigureAwait(false) is { } update)
            {
                yield return update;
            }

            yield return stream.Final();
        }
    }

    /// <summary>One attempt: sends the request, checks the status, and reads until the reply has started (or ended empty).</summary>
    private async ValueTask<OpenStream> OpenStreamAsync(CallState call, CancellationToken pollyToken)
    {
        var stream = new OpenStream(this, call.CallerToken);
        try
        {
            using var attempt = pollyToken.UnsafeRegister(static s => ((OpenStream)s!).CancelAttempt(), stream);
            using var request = BuildRequest(call, stream: true);
            _logger.LlmCalling(_route.Provider, _llm.Model, _route.Endpoint.GetLeftPart(UriPartial.Path));
            await stream.SendAsync(request, call, pollyToken).ConfigureAwait(false);
            while (!stream.Started && await stream.NextAsync(pollyToken).ConfigureAwait(false) is { } update)
            {
                stream.Buffered.Add(update);
            }

            if (!stream.Started)
            {
                call.LastWasEmpty = true;
                throw LlmErrors.Empty(_route, _llm, "the stream ended without text or tool calls");
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A reply being streamed: the HTTP response, the decoder over its body, and the per-read timeout.</summary>
    private sealed class OpenStream : IAsyncDisposable
    {
        private readonly LlmHttpChatClient _client;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenSource _idle;
        private readonly CancellationTokenSource _attempt = new();
        private readonly CancellationTokenSource _linked;
        private readonly long _started;
        private HttpResponseMessage? _response;
        private IAsyncEnumerator<ChatResponseUpdate>? _reader;
        private UsageDetails? _usage;

        public OpenStream(LlmHttpChatClient client, CancellationToken caller)
        {
            _client = client;
            _caller = caller;
            _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, client._time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _idle.Token, _attempt.Token);
            _started = client._time.GetTimestamp();
        }

        public List<ChatResponseUpdate> Buffered { get; } = [];

        /// <summary>Gets whether text, reasoning or a tool call has arrived.</summary>
        public bool Started { get; private set; }

        private HttpResponseHeaders? Headers => _response?.Headers;

        public void CancelAttempt() => _attempt.Cancel();

        public async Task SendAsync(HttpRequestMessage request, CallState call, CancellationToken pollyToken)
        {
            var client = _client;
            int status;
            try
            {
                _response = await client._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _linked.Token).ConfigureAwait(false);
                status = (int)_response.StatusCode;
                if (status is < 200 or > 299)
                {
                    var text = await _response.Content.ReadAsStringAsync(_linked.Token).ConfigureAwait(false);
                    throw LlmErrors.FromStatus(client._route, client._llm, client._redactor, status, text, LlmErrors.RetryAfter(_response.Headers, client._time));
                }

                if (_response.Content.Headers.ContentType?.MediaType == "application/json")
                {
                    // A server that ignores "stream": the whole reply, yielded as updates.
                    var whole = client.ParseWhole(call, await _response.Content.ReadAsStringAsync(_linked.Token).ConfigureAwait(false));
                    _reader = whole.ToChatResponseUpdates().ToAsyncEnumerable().GetAsyncEnumerator(_linked.Token);
                    return;
                }

                var body = await _response.Content.ReadAsStreamAsync(_linked.Token).ConfigureAwait(false);
                _reader = (client._route.Format == LlmWireFormat.AnthropicMessages
                    ? AnthropicMessagesStream.ReadAsync(body, client._route, client._llm, _linked.Token)
                    : ChatCompletionsStream.ReadAsync(body, client._route, client._llm, _linked.Token)).GetAsyncEnumerator(_linked.Token);
            }
            catch (Exception ex) when (Translate(ex, pollyToken) is { } translated)
            {
                throw translated;
            }
        }

        /// <summary>The next update, or <see langword="null"/> at the end; waits at most <see cref="Llm.Timeout"/> for it.</summary>
        public async Task<ChatResponseUpdate?> NextAsync(CancellationToken? pollyToken)
        {
            if (LlmRetryPolicy.AttemptTimeout(_client._llm) is { } timeout)
            {
                _idle.CancelAfter(timeout);
            }

            try
            {
                if (!await _reader!.MoveNextAsync().ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (Exception ex) when (Translate(ex, pollyToken) is { } translated)
            {
                throw translated;
            }
            finally
            {
                _idle.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            var update = _reader.Current;
            foreach (var content in update.Contents)
            {
                Started |= content is FunctionCallContent
                    || (content is TextContent t && !string.IsNullOrWhiteSpace(t.Text))
                    || (content is TextReasoningContent r && r.Text.Length > 0);
                if (content is UsageContent usage)
                {
                    _usage = usage.Details;
                }
            }

            return update;
        }

        /// <summary>The last update: latency and cost, as a whole reply carries them.</summary>
        public ChatResponseUpdate Final()
        {
            var latency = _client._time.GetElapsedTime(_started).TotalSeconds;
            var final = new ChatResponseUpdate { AdditionalProperties = new() { [LlmChatProperties.Latency] = latency } };
            if (Headers is { } headers && _client.Cost(headers, _usage) is { } cost and > 0)
            {
                final.AdditionalProperties[LlmChatProperties.Cost] = cost;
            }

            _client._logger.LlmAnswered(_client._llm.Model, latency, _usage?.InputTokenCount, _usage?.OutputTokenCount);
            return final;
        }

        public async ValueTask DisposeAsync()
        {
            if (_reader is not null)
            {
                try
                {
                    await _reader.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
                {
                    // The body is being abandoned; its read loop may fail as the connection goes.
                }
            }

            _response?.Dispose();
            _linked.Dispose();
            _attempt.Dispose();
            _idle.Dispose();
        }

        /// <summary>
        /// Maps a failure while sending or reading: the caller's cancellation stays a cancellation, Polly's attempt
        /// timeout is rethrown on its token (Polly reports it), a read that waited too long is a timeout, and a broken
        /// connection is a connection failure. Our own typed exceptions pass unchanged (<see langword="null"/>).
        /// </summary>
        private Exception? Translate(Exception ex, CancellationToken? pollyToken)
        {
            var client = _client;
            if (ex is LlmException)
            {
                return null;
            }

            if (ex is not (OperationCanceledException or HttpRequestException or IOException))
            {
                return null;
            }

            if (_caller.IsCancellationRequested)
            {
                return new OperationCanceledException(_caller);
            }

            if (pollyToken is { IsCancellationRequested: true } attempt)
            {
                return new OperationCanceledException(attempt);
            }

            if (_idle.IsCancellationRequested && LlmRetryPolicy.AttemptTimeout(client._llm) is { } timeout)
            {
                return new LlmTimeoutException(
                    $"{client._route.Provider} sent no data for {timeout.TotalSeconds:0.###} s (Llm.Timeout) while streaming model '{client._llm.Model}'.",
                    client._llm.Model,
                    timeout,
                    ex);
            }

            return ex is OperationCanceledException
                ? LlmErrors.HttpClientTimeout(client._route, client._llm, client._http, ex)
                : LlmErrors.Connection(client._route, client._llm, client._redactor, ex);
        }
    }
}
