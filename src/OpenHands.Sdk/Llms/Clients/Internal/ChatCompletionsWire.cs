using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>OpenAI Chat Completions requests and responses (OpenAI, Azure OpenAI and every OpenAI-compatible server).</summary>
internal static class ChatCompletionsWire
{
    public static JsonObject BuildRequest(LlmRoute route, Llm llm, IReadOnlyList<ChatMessage> messages, ChatOptions? options, LlmCallParameters p)
    {
        var model = options?.ModelId ?? route.WireModel;
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = Messages(llm, messages, options),
        };

        if (Tools(options) is { Count: > 0 } tools)
        {
            body["tools"] = tools;
            if (ToolChoice(options?.ToolMode) is { } choice)
            {
                body["tool_choice"] = choice;
            }
        }

        // Reasoning models take reasoning_effort and reject sampling parameters (the Python SDK drops them too).
        if (p.ReasoningEffort is { } effort && LlmCallParameters.TakesReasoningEffort(model))
        {
            body["reasoning_effort"] = effort;
        }
        else
        {
            SetIfNotNull(body, "temperature", p.Temperature);
            SetIfNotNull(body, "top_p", p.TopP);
        }

        if (route.SendsTopK && p.TopK is { } topK)
        {
            body["top_k"] = WireJson.Number(topK);
        }

        if (p.MaxOutputTokens is { } max)
        {
            body[route.MaxTokensField] = max;
        }

        if (p.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        if (p.Stop.Count > 0)
        {
            body["stop"] = new JsonArray([.. p.Stop.Select(s => (JsonNode?)s)]);
        }

        SetIfNotNull(body, "frequency_penalty", p.FrequencyPenalty);
        SetIfNotNull(body, "presence_penalty", p.PresencePenalty);

        // litellm_extra_body is merged last, as LiteLLM's extra_body: its fields win.
        foreach (var (name, value) in llm.LitellmExtraBody)
        {
            body[name] = WireJson.Node(value);
        }

        return body;
    }

    /// <summary>Reads a Chat Completions response. No choices gives a response without messages; emptiness is judged by the caller.</summary>
    public static ChatResponse ParseResponse(JsonElement root)
    {
        var reply = root.Deserialize(OpenHandsJsonContext.Default.ChatCompletionsReplyDocument);
        var messages = new List<ChatMessage>();
        ChatFinishReason? finish = null;
        if (reply?.Choices is [var choice, ..])
        {
            finish = WireJson.FinishReason(choice?.FinishReason);
            messages.Add(new ChatMessage(ChatRole.Assistant, Contents(choice?.Message)) { MessageId = reply.Id });
        }

        return new ChatResponse(messages)
        {
            ResponseId = reply?.Id,
            ModelId = reply?.Model,
            CreatedAt = reply?.Created is > 0 and { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            FinishReason = finish,
            Usage = Usage(reply?.Usage),
            RawRepresentation = root.Clone(),
        };
    }

    public static UsageDetails? Usage(ProviderUsageDocument? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var details = new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.CompletionTokens,
            TotalTokenCount = usage.TotalTokens,
            CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens ?? usage.CacheReadInputTokens,
            ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
        };
        details.TotalTokenCount ??= details.InputTokenCount + details.OutputTokenCount;
        AddCount(details, LlmChatProperties.ReasoningTokens, details.ReasoningTokenCount);
        AddCount(details, LlmChatProperties.CacheWriteTokens, usage.CacheCreationInputTokens);
        return details;
    }

    internal static void AddCount(UsageDetails details, string name, long? value)
    {
        if (value is { } v)
        {
            (details.AdditionalCounts ??= [])[name] = v;
        }
    }

    private static List<AIContent> Contents(ChatCompletionsMessageDocument? message)
    {
        var contents = new List<AIContent>();
        if (message is null)
        {
            return contents;
        }

        var reasoning = message.ReasoningContent ?? message.Reasoning;
        if (!string.IsNullOrEmpty(reasoning))
        {
            contents.Add(new TextReasoningContent(reasoning));
        }

        foreach (var part in message.Content ?? [])
        {
            if (part is { Type: null or "text", Text: { Length: > 0 } text })
            {
                contents.Add(new TextContent(text));
            }
        }

        foreach (var call in message.ToolCalls ?? [])
        {
            // Only function calls; other kinds (and LiteLLM's empty placeholders) are dropped, as in the Python SDK.
            if (call is not { Type: null or "function", Function.Name: { Length: > 0 } name })
            {
                continue;
            }

            contents.Add(WireJson.ToolCall(call.Id ?? string.Empty, name, call.Function.Arguments ?? string.Empty));
        }

        return contents;
    }

    private static JsonArray Messages(Llm llm, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var names = messages.SelectMany(m => m.Contents.OfType<FunctionCallContent>())
            .GroupBy(c => c.CallId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var result = new JsonArray();
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            result.Add((JsonNode)new JsonObject { ["role"] = "system", ["content"] = options.Instructions });
        }

        foreach (var message in messages)
        {
            var results = message.Contents.OfType<FunctionResultContent>().ToList();
            if (results.Count > 0)
            {
                foreach (var r in results)
                {
                    var tool = new JsonObject { ["role"] = "tool", ["tool_call_id"] = r.CallId };
                    if (names.TryGetValue(r.CallId, out var name))
                    {
                        tool["name"] = name;
                    }

                    tool["content"] = WireJson.ResultText(r);
                    result.Add((JsonNode)tool);
                }

                continue;
            }

            var obj = new JsonObject { ["role"] = message.Role.Value };
            var calls = message.Contents.OfType<FunctionCallContent>().ToList();
            if (message.Role == ChatRole.Assistant)
            {
                var text = string.Join("\n", message.Contents.OfType<TextContent>().Select(t => t.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
                if (calls.Count == 0 || text.Length > 0)
                {
                    obj["content"] = text;
                }

                if (calls.Count > 0)
                {
                    obj["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode?)new JsonObject
                    {
                        ["id"] = c.CallId,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = WireJson.ArgumentsJson(c) },
                    })]);
                }
            }
            else
            {
                obj["content"] = Content(llm, message);
            }

            result.Add((JsonNode)obj);
        }

        return result;
    }

    /// <summary>A single string for plain text; a list of parts for several texts or images (unless the LLM forces strings).</summary>
    private static JsonNode Content(Llm llm, ChatMessage message)
    {
        var texts = message.Contents.OfType<TextContent>().Select(t => t.Text).ToList();
        var images = message.Contents.Where(IsImage).ToList();
        if (images.Count == 0 && (texts.Count <= 1 || llm.ForceStringSerializer == true))
        {
            return string.Join("\n", texts);
        }

        var parts = new JsonArray();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    parts.Add((JsonNode)new JsonObject { ["type"] = "text", ["text"] = t.Text });
                    break;
                case DataContent d when IsImage(d):
                    parts.Add((JsonNode)new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = d.Uri } });
                    break;
                case UriContent u when IsImage(u):
                    parts.Add((JsonNode)new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = u.Uri.ToString() } });
                    break;
                default:
                    break;
            }
        }

        return parts;
    }

    internal static bool IsImage(AIContent content) => content switch
    {
        DataContent d => d.HasTopLevelMediaType("image"),
        UriContent u => u.HasTopLevelMediaType("image"),
        _ => false,
    };

    private static JsonArray? Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return null;
        }

        var result = new JsonArray();
        foreach (var tool in tools.OfType<AIFunctionDeclaration>())
        {
            var function = new JsonObject { ["name"] = tool.Name };
            if (!string.IsNullOrEmpty(tool.Description))
            {
                function["description"] = tool.Description;
            }

            function["parameters"] = WireJson.Node(tool.JsonSchema) ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            result.Add((JsonNode)new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return result;
    }

    private static JsonNode? ToolChoice(ChatToolMode? mode) => mode switch
    {
        NoneChatToolMode => "none",
        RequiredChatToolMode { RequiredFunctionName: { } name } => new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name },
        },
        RequiredChatToolMode => "required",
        _ => null,
    };

    private static void SetIfNotNull(JsonObject body, string name, double? value)
    {
        if (value is { } v)
        {
            body[name] = v;
        }
    }
}
