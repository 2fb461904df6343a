using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace OpenHands.Testing;

/// <summary>Streamed answers: the same <see cref="FakeReply"/> as server-sent events, in each format's shape.</summary>
public sealed partial class FakeLlmServer
{
    private int NextId() => Interlocked.Increment(ref _ids);

    private static bool IsStreaming(RecordedRequest request) =>
        request.Body?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    private static bool IncludesUsage(RecordedRequest request) =>
        request.Body?.RootElement is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object
        && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;

    /// <summary>Text a word at a time (a one-word text in two halves), so every non-trivial text makes at least two deltas.</summary>
    internal static IReadOnlyList<string> Pieces(string text)
    {
        var words = Regex.Matches(text, @"\s*\S+\s*").Select(m => m.Value).ToList();
        if (words.Count == 0)
        {
            return text.Length == 0 ? [] : [text];
        }

        if (words.Count == 1 && text.Length > 1)
        {
            return [text[..(text.Length / 2)], text[(text.Length / 2)..]];
        }

        words[^1] += text[words.Sum(w => w.Length)..];
        return words;
    }

    private static IReadOnlyList<string> Halves(string json) =>
        json.Length < 2 ? [json] : [json[..(json.Length / 2)], json[(json.Length / 2)..]];

    private async Task HangAsync(HttpContext context, RecordedRequest request)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        if (IsStreaming(request))
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync(linked.Token).ConfigureAwait(false);
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }

    private async Task StreamAsync(HttpContext context, RecordedRequest request, FakeReply reply)
    {
        var events = request.IsAnthropic ? AnthropicEvents(request, reply) : ChatCompletionsEvents(request, reply);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            var pieces = 0;
            for (var i = 0; i < events.Count; i++)
            {
                var (name, data, isPiece) = events[i];
                if (isPiece && reply.Resume is { } resume && pieces == reply.PauseAfterChunks)
                {
                    await resume.WaitAsync(linked.Token).ConfigureAwait(false);
                }

                if (i > 0 && reply.ChunkDelay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.ChunkDelay, linked.Token).ConfigureAwait(false);
                }

                var text = (name is null ? string.Empty : $"event: {name}\n") + $"data: {data}\n\n";
                await response.WriteAsync(text, linked.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(linked.Token).ConfigureAwait(false);
                pieces += isPiece ? 1 : 0;
            }

            if (reply.Resume is { } last && pieces == reply.PauseAfterChunks)
            {
                await last.WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }

    private List<(string? Name, string Data, bool IsPiece)> ChatCompletionsEvents(RecordedRequest request, FakeReply reply)
    {
        var n = NextId();
        var id = $"chatcmpl-fake-{n}";
        var created = 1_700_000_000 + n;
        var model = request.Model ?? DeploymentOf(request.Path) ?? "fake-model";
        var events = new List<(string?, string, bool)>();
        void Chunk(JsonObject? delta, string? finish = null, JsonObject? usage = null, bool piece = false)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = delta,
                    ["finish_reason"] = finish,
                }),
            };
            if (usage is not null)
            {
                chunk["usage"] = usage;
            }

            events.Add((null, chunk.ToJsonString(), piece));
        }

        if (!reply.NoChoices)
        {
            Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty });
            foreach (var piece in Pieces(reply.ReasoningText ?? string.Empty))
            {
                Chunk(new JsonObject { ["reasoning_content"] = piece }, piece: true);
            }

            foreach (var piece in Pieces(reply.ReplyText ?? string.Empty))
            {
                Chunk(new JsonObject { ["content"] = piece }, piece: true);
            }

            for (var i = 0; i < reply.Calls.Count; i++)
            {
                var call = reply.Calls[i];
                var callId = call.Id ?? $"call_{NextId()}";
                var first = true;
                foreach (var piece in Halves(call.ArgumentsJson))
                {
                    var function = new JsonObject { ["arguments"] = piece };
                    var toolCall = new JsonObject { ["index"] = i };
                    if (first)
                    {
                        toolCall["id"] = callId;
                        toolCall["type"] = "function";
                        function = new JsonObject { ["name"] = call.Name, ["arguments"] = piece };
                    }

                    toolCall["function"] = function;
                    Chunk(new JsonObject { ["tool_calls"] = new JsonArray(toolCall) }, piece: true);
                    first = false;
                }
            }

            Chunk(new JsonObject(), reply.FinishReason ?? (reply.Calls.Count > 0 ? "tool_calls" : "stop"));
        }

        if (IncludesUsage(request))
        {
            Chunk(null, usage: new JsonObject
            {
                ["prompt_tokens"] = reply.PromptTokens,
                ["completion_tokens"] = reply.CompletionTokens,
                ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = reply.CachedTokens },
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reply.ReasoningTokens },
            });
        }

        events.Add((null, "[DONE]", false));
        return events;
    }

    private List<(string? Name, string Data, bool IsPiece)> AnthropicEvents(RecordedRequest request, FakeReply reply)
    {
        var id = NextId();
        var events = new List<(string?, string, bool)>();
        void Event(string type, JsonObject body, bool piece = false)
        {
            var data = new JsonObject { ["type"] = type };
            foreach (var (key, value) in body)
            {
                data[key] = value?.DeepClone();
            }

            events.Add((type, data.ToJsonString(), piece));
        }

        Event("message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = $"msg_fake_{id}",
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = request.Model ?? "fake-model",
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject
                {
                    ["input_tokens"] = reply.PromptTokens - reply.CachedTokens,
                    ["cache_read_input_tokens"] = reply.CachedTokens,
                    ["cache_creation_input_tokens"] = 0,
                    ["output_tokens"] = 1,
                },
            },
        });
        events.Add(("ping", """{"type": "ping"}""", false));

        var index = 0;
        void Block(JsonObject start, IEnumerable<JsonObject> deltas)
        {
            Event("content_block_start", new JsonObject { ["index"] = index, ["content_block"] = start });
            foreach (var delta in deltas)
            {
                Event("content_block_delta", new JsonObject { ["index"] = index, ["delta"] = delta }, piece: (string?)delta["type"] != "signature_delta");
            }

            Event("content_block_stop", new JsonObject { ["index"] = index });
            index++;
        }

        if (!reply.NoChoices)
        {
            if (reply.ReasoningText is not null)
            {
                Block(
                    new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty, ["signature"] = string.Empty },
                    [.. Pieces(reply.ReasoningText).Select(p => new JsonObject { ["type"] = "thinking_delta", ["thinking"] = p }),
                        new JsonObject { ["type"] = "signature_delta", ["signature"] = $"sig-fake-{id}" }]);
            }

            if (reply.ReplyText is not null)
            {
                Block(
                    new JsonObject { ["type"] = "text", ["text"] = string.Empty },
                    Pieces(reply.ReplyText).Select(p => new JsonObject { ["type"] = "text_delta", ["text"] = p }));
            }

            foreach (var call in reply.Calls)
            {
                var compact = JsonNode.Parse(call.ArgumentsJson)!.ToJsonString();
                Block(
                    new JsonObject { ["type"] = "tool_use", ["id"] = call.Id ?? $"toolu_fake_{NextId()}", ["name"] = call.Name, ["input"] = new JsonObject() },
                    Halves(compact).Select(p => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = p }));
            }
        }

        Event("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject
            {
                ["stop_reason"] = reply.FinishReason ?? (reply.Calls.Count > 0 ? "tool_use" : "end_turn"),
                ["stop_sequence"] = null,
            },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.CompletionTokens },
        });
        Event("message_stop", new JsonObject());
        return events;
    }
}
