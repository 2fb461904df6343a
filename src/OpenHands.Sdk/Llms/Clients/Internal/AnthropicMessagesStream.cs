using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// Reads a streamed Anthropic Messages reply into <see cref="ChatResponseUpdate"/>s. Each event is decoded by the
/// official Anthropic SDK's model; text and thinking deltas are yielded as they arrive, and at <c>message_stop</c> the
/// SDK's aggregator rebuilds the whole message, which is read by the same parser as a non-streamed reply, so tool calls,
/// usage and the stop reason are exactly those of the non-streamed reply.
/// </summary>
internal static class AnthropicMessagesStream
{
    public static async IAsyncEnumerable<ChatResponseUpdate> ReadAsync(
        Stream body, LlmRoute route, Llm llm, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = new List<RawMessageStreamEvent>();
        string? id = null;
        var stopped = false;
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.EventType == "ping" || string.IsNullOrWhiteSpace(item.Data))
            {
                continue;
            }

            if (item.EventType == "error" || StreamErrors.IsErrorPayload(item.Data))
            {
                throw StreamErrors.FromPayload(route, llm, item.Data);
            }

            var e = Decode(route, llm, item.Data);
            events.Add(e);
            if (e.TryPickStart(out var start))
            {
                id = start.Message.ID;
            }
            else if (e.TryPickContentBlockDelta(out var delta) && Delta(delta.Delta) is { } content)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [content]) { ResponseId = id, MessageId = id };
            }
            else if (e.TryPickStop(out _))
            {
                stopped = true;
                break;
            }
        }

        if (events.Count == 0 || !events[0].TryPickStart(out _))
        {
            throw new LlmNoResponseException($"{route.Provider} ended the streamed reply for model '{llm.Model}' without a message.", llm.Model, null);
        }

        if (!stopped)
        {
            throw new LlmServiceUnavailableException(
                $"{route.Provider} ended the streamed reply for model '{llm.Model}' before message_stop; the reply was cut off.", null, llm.Model);
        }

        var message = await SseAggregatorExtensions.Aggregate(events.ToAsyncEnumerable()).ConfigureAwait(false);
        var whole = AnthropicMessagesWire.ParseResponse(JsonSerializer.SerializeToElement(message));
        var final = new List<AIContent>(whole.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        if (whole.Usage is { } usage)
        {
            final.Add(new UsageContent(usage));
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, final)
        {
            ResponseId = whole.ResponseId,
            MessageId = whole.ResponseId,
            ModelId = whole.ModelId,
            FinishReason = whole.FinishReason,
            RawRepresentation = whole.RawRepresentation,
        };
    }

    private static RawMessageStreamEvent Decode(LlmRoute route, Llm llm, string data)
    {
        try
        {
            return JsonSerializer.Deserialize<RawMessageStreamEvent>(data) ?? throw new JsonException("The event is null.");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new LlmServiceUnavailableException(
                $"{route.Provider} sent a streamed event for model '{llm.Model}' that is not a Messages stream event; the reply was cut off.",
                null,
                llm.Model,
                ex);
        }
    }

    /// <summary>The text or thinking of a delta; tool input, signatures and citations arrive whole at the end.</summary>
    private static AIContent? Delta(RawContentBlockDelta delta) =>
        delta.TryPickText(out var text) && text.Text.Length > 0 ? new TextContent(text.Text)
        : delta.TryPickThinking(out var thinking) && thinking.Thinking.Length > 0 ? new TextReasoningContent(thinking.Thinking)
        : null;
}
