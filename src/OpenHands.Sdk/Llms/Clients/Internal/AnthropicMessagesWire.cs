using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>Anthropic Messages API requests and responses.</summary>
internal static class AnthropicMessagesWire
{
    /// <summary><c>max_tokens</c> is required by the API; used when neither the options nor the LLM set a limit.</summary>
    public const int DefaultMaxTokens = 8192;

    public static JsonObject BuildRequest(LlmRoute route, Llm llm, IReadOnlyList<ChatMessage> messages, ChatOptions? options, LlmCallParameters p)
    {
        var body = new JsonObject
        {
            ["model"] = options?.ModelId ?? route.WireModel,
            ["max_tokens"] = p.MaxOutputTokens ?? DefaultMaxTokens,
        };

        var system = new JsonArray();
        foreach (var message in messages.Where(m => m.Role == ChatRole.System))
        {
            foreach (var text in message.Contents.OfType<TextContent>().Where(t => !string.IsNullOrWhiteSpace(t.Text)))
            {
                system.Add((JsonNode)TextBlock(text.Text));
            }
        }

        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            system.Add((JsonNode)TextBlock(options.Instructions));
        }

        var turns = Turns(messages);

        // Prompt caching as the Python SDK marks it: the first system block and the last block of the last user turn.
        if (llm.CachingPrompt)
        {
            MarkCached(system.FirstOrDefault());
            var lastUser = turns.LastOrDefault(t => (string?)t!["role"] == "user");
            MarkCached((lastUser?["content"] as JsonArray)?.LastOrDefault());
        }

        if (system.Count > 0)
        {
            body["system"] = system;
        }

        body["messages"] = turns;
        if (Tools(options) is { Count: > 0 } tools)
        {
            body["tools"] = tools;
            if (ToolChoice(options?.ToolMode) is { } choice)
            {
                body["tool_choice"] = choice;
            }
        }

        if (p.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }

        if (p.TopP is { } topP)
        {
            body["top_p"] = topP;
        }

        if (p.TopK is { } topK)
        {
            body["top_k"] = WireJson.Number(topK);
        }

        if (p.Stop.Count > 0)
        {
            body["stop_sequences"] = new JsonArray([.. p.Stop.Select(s => (JsonNode?)s)]);
        }

        return body;
    }

    /// <summary>Reads a Messages response. Empty content gives a message without contents; emptiness is judged by the caller.</summary>
    public static ChatResponse ParseResponse(JsonElement root)
    {
        var reply = root.Deserialize(OpenHandsJsonContext.Default.AnthropicReplyDocument);
        var contents = new List<AIContent>();
        foreach (var block in reply?.Content ?? [])
        {
            switch (block?.Type)
            {
                case "text" when block.Text is { Length: > 0 } text:
                    contents.Add(new TextContent(text));
                    break;
                case "thinking":
                    contents.Add(new TextReasoningContent(block.Thinking ?? string.Empty) { ProtectedData = block.Signature });
                    break;
                case "redacted_thinking":
                    contents.Add(new TextReasoningContent(string.Empty) { ProtectedData = block.Data });
                    break;
                case "tool_use" when block.Name is { Length: > 0 } name:
                    contents.Add(WireJson.ToolCall(block.Id ?? string.Empty, name, block.Input ?? "{}"));
                    break;
                default:
                    break;
            }
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = reply?.Id })
        {
            ResponseId = reply?.Id,
            ModelId = reply?.Model,
            FinishReason = WireJson.FinishReason(reply?.StopReason),
            Usage = Usage(reply?.Usage),
            RawRepresentation = root.Clone(),
        };
    }

    /// <summary>
    /// Anthropic counts cached input apart from <c>input_tokens</c>; the input count here includes cache reads and
    /// writes, as OpenAI's <c>prompt_tokens</c> (and LiteLLM's translation) do.
    /// </summary>
    public static UsageDetails? Usage(ProviderUsageDocument? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var input = usage.InputTokens;
        var cacheRead = usage.CacheReadInputTokens;
        var cacheWrite = usage.CacheCreationInputTokens;
        var output = usage.OutputTokens;
        var totalInput = input is null && cacheRead is null && cacheWrite is null ? (long?)null : (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
        var details = new UsageDetails
        {
            InputTokenCount = totalInput,
            OutputTokenCount = output,
            TotalTokenCount = totalInput is null && output is null ? null : (totalInput ?? 0) + (output ?? 0),
            CachedInputTokenCount = cacheRead,
        };
        ChatCompletionsWire.AddCount(details, LlmChatProperties.CacheWriteTokens, cacheWrite);
        return details;
    }

    /// <summary>User, assistant and tool messages as alternating turns: tool results go in user turns, and neighbours of one role merge.</summary>
    private static JsonArray Turns(IReadOnlyList<ChatMessage> messages)
    {
        var turns = new JsonArray();
        foreach (var message in messages.Where(m => m.Role != ChatRole.System))
        {
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = new JsonArray();
            foreach (var content in message.Contents)
            {
                if (Block(content) is { } block)
                {
                    blocks.Add((JsonNode)block);
                }
            }

            if (blocks.Count == 0)
            {
                continue;
            }

            if (turns.Count > 0 && (string?)turns[^1]!["role"] == role)
            {
                var previous = (JsonArray)turns[^1]!["content"]!;
                foreach (var block in blocks.ToList())
                {
                    blocks.Remove(block);
                    previous.Add(block);
                }

                continue;
            }

            turns.Add((JsonNode)new JsonObject { ["role"] = role, ["content"] = blocks });
        }

        return turns;
    }

    private static JsonObject? Block(AIContent content) => content switch
    {
        TextContent t when !string.IsNullOrWhiteSpace(t.Text) => TextBlock(t.Text),

        // Thinking goes back only with its signature (the API rejects unsigned thinking).
        TextReasoningContent { ProtectedData: { Length: > 0 } data } r when string.IsNullOrEmpty(r.Text) =>
            new JsonObject { ["type"] = "redacted_thinking", ["data"] = data },
        TextReasoningContent { ProtectedData: { Length: > 0 } signature } r =>
            new JsonObject { ["type"] = "thinking", ["thinking"] = r.Text, ["signature"] = signature },
        FunctionCallContent c => new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = c.CallId,
            ["name"] = c.Name,
            ["input"] = InputObject(c),
        },
        FunctionResultContent r => ToolResult(r),
        DataContent d when ChatCompletionsWire.IsImage(d) => new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = d.MediaType, ["data"] = d.Base64Data.ToString() },
        },
        UriContent u when ChatCompletionsWire.IsImage(u) => new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "url", ["url"] = u.Uri.ToString() },
        },
        _ => null,
    };

    private static JsonObject ToolResult(FunctionResultContent result)
    {
        var block = new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = result.CallId, ["content"] = WireJson.ResultText(result) };
        if (result.Exception is not null)
        {
            block["is_error"] = true;
        }

        return block;
    }

    private static JsonNode InputObject(FunctionCallContent call)
    {
        try
        {
            return JsonNode.Parse(WireJson.ArgumentsJson(call)) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            // The model produced arguments that are not JSON; Anthropic needs an object, so the call is echoed without them.
            return new JsonObject();
        }
    }

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    private static void MarkCached(JsonNode? block)
    {
        if (block is JsonObject obj && (string?)obj["type"] is "text" or "tool_result" or "image")
        {
            obj["cache_control"] = new JsonObject { ["type"] = "ephemeral" };
        }
    }

    private static JsonArray? Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return null;
        }

        var result = new JsonArray();
        foreach (var tool in tools.OfType<AIFunctionDeclaration>())
        {
            var obj = new JsonObject { ["name"] = tool.Name };
            if (!string.IsNullOrEmpty(tool.Description))
            {
                obj["description"] = tool.Description;
            }

            obj["input_schema"] = WireJson.Node(tool.JsonSchema) ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            result.Add((JsonNode)obj);
        }

        return result;
    }

    private static JsonObject? ToolChoice(ChatToolMode? mode) => mode switch
    {
        NoneChatToolMode => new JsonObject { ["type"] = "none" },
        RequiredChatToolMode { RequiredFunctionName: { } name } => new JsonObject { ["type"] = "tool", ["name"] = name },
        RequiredChatToolMode => new JsonObject { ["type"] = "any" },
        _ => null,
    };
}
