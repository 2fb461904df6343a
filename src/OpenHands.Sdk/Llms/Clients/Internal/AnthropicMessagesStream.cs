using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Serialization;

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
        // The aggregated message is the SDK model's raw JSON fields; written through the source-generated contract.
        var whole = AnthropicMessagesWire.ParseResponse(
            JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement>(message.RawData), OpenHandsJsonContext.Default.DictionaryStringJsonElement));
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

    /// <summary>
    /// One stream event as the SDK's union model, chosen by its <c>type</c> as the SDK's own converter chooses it; the
    /// fields are read through the source-generated contract, so the decode needs no reflection (Native AOT).
    /// </summary>
    private static RawMessageStreamEvent Event(string data)
    {
        var element = JsonSerializer.Deserialize(data, OpenHandsJsonContext.Default.JsonElement);

        // The map's contract rejects any JSON value but an object with a JsonException; JSON null reads as no map.
        var fields = element.Deserialize(OpenHandsJsonContext.Default.DictionaryStringJsonElement)
            ?? throw new JsonException("The event is not a JSON object.");

        // Kept hand-walked on the per-event hot path: one kind check on the value already parsed, where a contract for
        // "type" would decode every event a third time.
        var type = fields.TryGetValue("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return type switch
        {
            "message_start" => new RawMessageStreamEvent(RawMessageStartEvent.FromRawUnchecked(fields), element),
            "message_delta" => new RawMessageStreamEvent(RawMessageDeltaEvent.FromRawUnchecked(fields), element),
            "message_stop" => new RawMessageStreamEvent(RawMessageStopEvent.FromRawUnchecked(fields), element),
            "content_block_start" => new RawMessageStreamEvent(RawContentBlockStartEvent.FromRawUnchecked(fields), element),
            "content_block_delta" => new RawMessageStreamEvent(RawContentBlockDeltaEvent.FromRawUnchecked(fields), element),
            "content_block_stop" => new RawMessageStreamEvent(RawContentBlockStopEvent.FromRawUnchecked(fields), element),
            _ => new RawMessageStreamEvent(element), // a type this SDK version does not know: kept raw, as its converter keeps it
        };
    }

    private static RawMessageStreamEvent Decode(LlmRoute route, Llm llm, string data)
    {
        try
        {
            return Event(data);
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
