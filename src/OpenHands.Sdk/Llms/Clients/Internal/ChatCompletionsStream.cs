using System.ClientModel.Primitives;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Serialization;
using OpenAI;
using OpenAI.Chat;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>
/// Reads a streamed Chat Completions reply (server-sent <c>chat.completion.chunk</c>s ending with <c>[DONE]</c>) into
/// <see cref="ChatResponseUpdate"/>s. The chunks are decoded by the official OpenAI model and turned into updates by
/// Microsoft.Extensions.AI.OpenAI (text and reasoning deltas as they arrive, tool calls assembled at the end); two things
/// are ours, so that a streamed reply equals the non-streamed one: each tool call keeps its arguments string exactly as
/// the provider sent it, and usage is read by the same code as a whole reply's (LiteLLM's cache-write count included).
/// </summary>
internal static class ChatCompletionsStream
{
    private const string Done = "[DONE]";

    public static async IAsyncEnumerable<ChatResponseUpdate> ReadAsync(
        Stream body, LlmRoute route, Llm llm, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var state = new StreamState();

        // The adapter is marked for evaluation (OPENAI001); the package version is pinned centrally and the stream tests
        // pin its behaviour, so an upgrade that changes it fails there.
#pragma warning disable OPENAI001
        await foreach (var update in Chunks(body, route, llm, state, cancellationToken)
            .AsChatResponseUpdatesAsync(null, cancellationToken).ConfigureAwait(false))
#pragma warning restore OPENAI001
        {
            if (Adjust(update, state))
            {
                yield return update;
            }
        }
    }

    /// <summary>
    /// Keeps raw tool-call arguments and our usage; drops nameless calls (as the non-streamed parser does), empty texts and
    /// updates left with nothing to say.
    /// </summary>
    private static bool Adjust(ChatResponseUpdate update, StreamState state)
    {
        for (var i = update.Contents.Count - 1; i >= 0; i--)
        {
            switch (update.Contents[i])
            {
                case FunctionCallContent { Name: null or "" }:
                case TextContent { Text.Length: 0 }:
                    update.Contents.RemoveAt(i);
                    break;
                case FunctionCallContent call:
                    var raw = state.RawArguments(call.CallId);
                    update.Contents[i] = WireJson.ToolCall(call.CallId, call.Name, raw);
                    break;
                case UsageContent:
                    update.Contents[i] = new UsageContent(state.Usage ?? new UsageDetails());
                    break;
                default:
                    break;
            }
        }

        return update.Contents.Count > 0 || update.FinishReason is not null;
    }

    private static async IAsyncEnumerable<StreamingChatCompletionUpdate> Chunks(
        Stream body, LlmRoute route, Llm llm, StreamState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            var data = item.Data;
            if (data.AsSpan().Trim().SequenceEqual(Done))
            {
                state.Ended = true;
                yield break;
            }

            if (string.IsNullOrWhiteSpace(data))
            {
                continue;
            }

            if (StreamErrors.IsErrorPayload(data))
            {
                // LiteLLM and OpenRouter report a failure after the headers as one last data line with an error object.
                throw StreamErrors.FromPayload(route, llm, data);
            }

            StreamingChatCompletionUpdate chunk;
            try
            {
                // The library's ModelReaderWriterContext builds the model without reflection (Native AOT); the library marks
                // the context type as evaluation-only (OPENAI001), the one reason for the pragma.
#pragma warning disable OPENAI001
                chunk = ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(data), ModelReaderWriterOptions.Json, OpenAIContext.Default)
                    ?? throw new JsonException("The chunk is null.");
#pragma warning restore OPENAI001
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                throw new LlmServiceUnavailableException(
                    $"{route.Provider} sent a streamed chunk for model '{llm.Model}' that is not a chat.completion.chunk; the reply was cut off.",
                    null,
                    llm.Model,
                    ex);
            }

            state.Observe(chunk, data);
            yield return chunk;
        }

        // A stream that closes without [DONE] or a finish reason was cut off: its reply may be incomplete.
        if (!state.Ended)
        {
            throw new LlmServiceUnavailableException(
                $"{route.Provider} ended the streamed reply for model '{llm.Model}' before [DONE]; the reply was cut off.", null, llm.Model);
        }
    }

    /// <summary>What the chunks say beyond the adapter's updates: raw arguments per call, and the usage.</summary>
    private sealed class StreamState
    {
        private readonly List<(int Index, string? Id, StringBuilder Arguments)> _calls = [];

        public UsageDetails? Usage { get; private set; }

        /// <summary>Gets or sets whether the stream said it was complete (<c>[DONE]</c> or a finish reason).</summary>
        public bool Ended { get; set; }

        public void Observe(StreamingChatCompletionUpdate chunk, string data)
        {
            Ended |= chunk.FinishReason is not null;
            foreach (var call in chunk.ToolCallUpdates)
            {
                var slot = _calls.FindIndex(c => c.Index == call.Index);
                if (slot < 0)
                {
                    _calls.Add((call.Index, null, new StringBuilder()));
                    slot = _calls.Count - 1;
                }

                if (!string.IsNullOrEmpty(call.ToolCallId) && _calls[slot].Id is null)
                {
                    _calls[slot] = _calls[slot] with { Id = call.ToolCallId };
                }

                if (call.FunctionArgumentsUpdate is { } arguments && !arguments.IsEmpty)
                {
                    _calls[slot].Arguments.Append(arguments.ToString());
                }
            }

            if (chunk.Usage is not null)
            {
                // Once per stream (the chunk that carries usage): the counts the OpenAI model does not expose, by the reply's contract.
                Usage = ChatCompletionsWire.Usage(JsonSerializer.Deserialize(data, OpenHandsJsonContext.Default.ChatCompletionsReplyDocument)?.Usage);
            }
        }

        /// <summary>The arguments of a call as the provider sent them, piece by piece.</summary>
        public string RawArguments(string callId)
        {
            var match = _calls.FindIndex(c => c.Id == callId);
            return match >= 0 ? _calls[match].Arguments.ToString() : string.Empty;
        }
    }
}
