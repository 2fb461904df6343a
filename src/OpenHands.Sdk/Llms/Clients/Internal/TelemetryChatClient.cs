using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// One <c>chat {model}</c> client span and the <c>gen_ai.client.*</c> metrics per LLM call, around any chat client (the
/// built-in one or a custom provider's), in the GenAI semantic conventions: provider, request and response model,
/// server address, token usage, finish reasons, and the error type of a failed call.
/// </summary>
/// <remarks>
/// Message content is recorded only when <c>captureContent</c> is set, as span events, with the LLM's secrets redacted.
/// Thread-safe, as the inner client is.
/// </remarks>
internal sealed class TelemetryChatClient : DelegatingChatClient
{
    private readonly string _requestModel;
    private readonly string _provider;
    private readonly string? _host;
    private readonly int? _port;
    private readonly SecretRedactor? _redactor;

    public TelemetryChatClient(IChatClient inner, Llm llm, bool captureContent)
        : base(inner)
    {
        var metadata = inner.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
        _requestModel = metadata?.DefaultModelId ?? llm.Model;
        _provider = metadata?.ProviderName ?? (llm.Model.Contains('/', StringComparison.Ordinal) ? llm.Model[..llm.Model.IndexOf('/', StringComparison.Ordinal)] : "openai");
        _host = metadata?.ProviderUri?.Host;
        _port = metadata?.ProviderUri?.Port;
        _redactor = captureContent ? new SecretRedactor(llm) : null;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        using var activity = Start(list);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            Record(activity, started, response.ModelId, response.FinishReason, response.Usage, response.Messages, null);
            return response;
        }
        catch (Exception ex)
        {
            Record(activity, started, null, null, null, null, ex);
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        using var activity = Start(list);
        var started = Stopwatch.GetTimestamp();
        var updates = new List<ChatResponseUpdate>();
        await using var enumerator = base.GetStreamingResponseAsync(list, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = enumerator.Current;
            }
            catch (Exception ex)
            {
                Record(activity, started, null, null, null, null, ex);
                throw;
            }

            updates.Add(update);
            yield return update;
        }

        var response = updates.ToChatResponse();
        Record(activity, started, response.ModelId, response.FinishReason, response.Usage, response.Messages, null);
    }

    private Activity? Start(IList<ChatMessage> messages)
    {
        var activity = SdkTelemetry.Source.StartActivity("chat " + _requestModel, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag(SdkTelemetry.OperationName, "chat");
        activity.SetTag(SdkTelemetry.ProviderName, _provider);
        activity.SetTag(SdkTelemetry.System, _provider);
        activity.SetTag(SdkTelemetry.RequestModel, _requestModel);
        if (_host is not null)
        {
            activity.SetTag(SdkTelemetry.ServerAddress, _host);
            activity.SetTag(SdkTelemetry.ServerPort, _port);
        }

        if (_redactor is not null)
        {
            foreach (var message in messages)
            {
                activity.AddEvent(ContentEvent("gen_ai." + message.Role.Value + ".message", message));
            }
        }

        return activity;
    }

    private void Record(Activity? activity, long started, string? responseModel, ChatFinishReason? finish, UsageDetails? usage, IList<ChatMessage>? output, Exception? error)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var tags = new TagList
        {
            { SdkTelemetry.OperationName, "chat" },
            { SdkTelemetry.ProviderName, _provider },
            { SdkTelemetry.RequestModel, _requestModel },
        };
        if (responseModel is not null)
        {
            tags.Add(SdkTelemetry.ResponseModel, responseModel);
        }

        if (_host is not null)
        {
            tags.Add(SdkTelemetry.ServerAddress, _host);
        }

        if (error is not null)
        {
            tags.Add(SdkTelemetry.ErrorType, error.GetType().FullName);
            SdkTelemetry.Fail(activity, error);
        }

        SdkTelemetry.OperationDuration.Record(seconds, tags);
        if (usage?.InputTokenCount is { } input)
        {
            var t = tags;
            t.Add(SdkTelemetry.TokenType, "input");
            SdkTelemetry.TokenUsage.Record(input, t);
        }

        if (usage?.OutputTokenCount is { } outputTokens)
        {
            var t = tags;
            t.Add(SdkTelemetry.TokenType, "output");
            SdkTelemetry.TokenUsage.Record(outputTokens, t);
        }

        if (activity is null || error is not null)
        {
            return;
        }

        activity.SetTag(SdkTelemetry.ResponseModel, responseModel);
        activity.SetTag(SdkTelemetry.InputTokens, usage?.InputTokenCount);
        activity.SetTag(SdkTelemetry.OutputTokens, usage?.OutputTokenCount);
        if (finish is { } reason)
        {
            activity.SetTag(SdkTelemetry.FinishReasons, new[] { reason.Value });
        }

        if (_redactor is not null && output is not null)
        {
            foreach (var message in output)
            {
                activity.AddEvent(ContentEvent("gen_ai.choice", message));
            }
        }
    }

    /// <summary>An opted-in content event: the message's text and tool calls, the LLM's secrets redacted.</summary>
    private ActivityEvent ContentEvent(string name, ChatMessage message)
    {
        var parts = message.Contents.Select(c => c switch
        {
            TextContent t => t.Text,
            FunctionCallContent f => $"[tool call {f.Name} {f.CallId}] {f.RawRepresentation as string}",
            FunctionResultContent r => $"[tool result {r.CallId}] {r.Result}",
            _ => null,
        }).Where(p => !string.IsNullOrEmpty(p));
        var text = _redactor!.Redact(string.Join("\n", parts));
        return new ActivityEvent(name, tags: new ActivityTagsCollection { ["gen_ai.event.content"] = text, ["gen_ai.message.role"] = message.Role.Value });
    }
}
