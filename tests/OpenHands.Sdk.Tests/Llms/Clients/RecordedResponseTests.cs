using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms.Clients.Internal;
using OpenHands.Sdk.Tests.Support;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// Responses and requests recorded by the Python SDK (../shared/fixtures/python-sdk/llm_data and openai_gateway):
/// our parsers read every recorded response, and a recorded conversation goes out on the wire as Python sent it.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
[Category("PythonInterop")]
public sealed class RecordedResponseTests
{
    private static List<string> LogFiles()
    {
        var root = Fixtures.RequireShared("llm_data");
        return Directory.GetFiles(Path.Combine(root, "llm-logs"), "*.json")
            .Concat(Directory.GetFiles(Path.Combine(root, "nonfncall-llm-logs"), "*.json"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Test]
    public void ParseResponse_RecordedCompletions_ReadTextToolCallsAndUsageAsRecorded()
    {
        var files = LogFiles().ToList();
        files.Should().HaveCount(10);
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var recorded = doc.RootElement.GetProperty("response");
            var message = recorded.GetProperty("choices")[0].GetProperty("message");

            var response = ChatCompletionsWire.ParseResponse(recorded);

            response.ResponseId.Should().Be(recorded.GetProperty("id").GetString(), file);
            response.ModelId.Should().Be(recorded.GetProperty("model").GetString());
            response.FinishReason!.Value.Value.Should().Be(recorded.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
            response.Text.Should().Be(message.GetProperty("content").GetString() ?? string.Empty);
            var calls = response.Messages.Single().Contents.OfType<FunctionCallContent>().ToList();
            var expected = message.GetProperty("tool_calls").EnumerateArray().ToList();
            calls.Select(c => c.CallId).Should().Equal(expected.Select(e => e.GetProperty("id").GetString()));
            calls.Select(c => c.Name).Should().Equal(expected.Select(e => e.GetProperty("function").GetProperty("name").GetString()));
            calls.Select(c => (string)c.RawRepresentation!).Should().Equal(expected.Select(e => e.GetProperty("function").GetProperty("arguments").GetString()));
            calls.Should().AllSatisfy(c => c.Exception.Should().BeNull());
            var usage = recorded.GetProperty("usage");
            response.Usage!.InputTokenCount.Should().Be(usage.GetProperty("prompt_tokens").GetInt64());
            response.Usage.OutputTokenCount.Should().Be(usage.GetProperty("completion_tokens").GetInt64());
            response.Usage.TotalTokenCount.Should().Be(usage.GetProperty("total_tokens").GetInt64());
            response.Usage.CachedInputTokenCount.Should().Be(usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64());
            LlmHttpChatClient.EmptyReason(response).Should().BeNull("every recorded reply has text or a tool call");
        }
    }

    [Test]
    public void ParseResponse_RawResponseWithEmptyToolCallPlaceholder_DropsThePlaceholder()
    {
        var file = LogFiles().First(f => f.Contains("deepseek-chat-1757015054", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(File.ReadAllText(file));

        var response = ChatCompletionsWire.ParseResponse(doc.RootElement.GetProperty("raw_response"));

        response.Messages.Single().Contents.OfType<FunctionCallContent>().Should().BeEmpty("LiteLLM's '{}' placeholder is not a function call");
        response.Text.Should().StartWith("I'll create a new Python file named hello.py");
        response.Usage.Should().BeNull();
    }

    [Test]
    public void ParseResponse_RecordedCompletionsInAnthropicShape_ReadTheSameCallsAndText()
    {
        foreach (var file in LogFiles())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var recorded = doc.RootElement.GetProperty("response");
            var openAi = ChatCompletionsWire.ParseResponse(recorded);
            using var anthropicDoc = JsonDocument.Parse(ToAnthropic(recorded).ToJsonString());

            var anthropic = AnthropicMessagesWire.ParseResponse(anthropicDoc.RootElement);

            anthropic.Text.Should().Be(openAi.Text, file);
            var expectedCalls = openAi.Messages.Single().Contents.OfType<FunctionCallContent>().ToList();
            var calls = anthropic.Messages.Single().Contents.OfType<FunctionCallContent>().ToList();
            calls.Select(c => (c.CallId, c.Name)).Should().Equal(expectedCalls.Select(c => (c.CallId, c.Name)));
            calls.Zip(expectedCalls).Should().AllSatisfy(pair =>
                JsonNode.DeepEquals(JsonNode.Parse((string)pair.First.RawRepresentation!), JsonNode.Parse((string)pair.Second.RawRepresentation!)).Should().BeTrue());
            anthropic.FinishReason.Should().Be(expectedCalls.Count > 0 && openAi.FinishReason == ChatFinishReason.ToolCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop);
            anthropic.Usage!.InputTokenCount.Should().Be(openAi.Usage!.InputTokenCount);
        }
    }

    [TestCase("openai_nano_completion.json")]
    [TestCase("litellm_haiku_completion.json")]
    public async Task GetResponseAsync_RecordedGatewayCompletion_ParsesThroughTheClient(string name)
    {
        var path = Fixtures.RequireShared("openai_gateway", name);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var recorded = doc.RootElement.GetProperty("response");
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Raw(200, recorded.GetRawText()));
        var messages = doc.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => new ChatMessage(new ChatRole(m.GetProperty("role").GetString()!), m.GetProperty("content").GetString()))
            .ToList();

        var response = await h.Client(h.Llm("litellm_proxy/" + doc.RootElement.GetProperty("gateway_model").GetString(), baseUrlSuffix: null))
            .GetResponseAsync(messages);

        response.Text.Should().Be(recorded.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        response.ResponseId.Should().Be(recorded.GetProperty("id").GetString());
        response.ModelId.Should().Be(doc.RootElement.GetProperty("gateway_model").GetString());
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(recorded.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
        response.Usage.OutputTokenCount.Should().Be(recorded.GetProperty("usage").GetProperty("completion_tokens").GetInt64());
        var sent = h.Body().GetProperty("messages");
        sent.GetRawText().Should().Be(doc.RootElement.GetProperty("messages").EnumerateArray()
            .Aggregate(new JsonArray(), (a, m) => { a.Add(new JsonObject { ["role"] = m.GetProperty("role").GetString(), ["content"] = m.GetProperty("content").GetString() }); return a; })
            .ToJsonString(), "simple text messages go out exactly as the gateway received them");
    }

    [Test]
    public async Task GetResponseAsync_RecordedPythonConversations_GoOutWithTheSameMessagesAndTools()
    {
        foreach (var file in LogFiles())
        {
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var root = doc.RootElement;
            var history = root.GetProperty("messages").EnumerateArray().Select(ToChatMessage).ToList();
            var tools = root.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function"))
                .Select(f => (AITool)AIFunctionFactory.CreateDeclaration(f.GetProperty("name").GetString()!, f.GetProperty("description").GetString(), f.GetProperty("parameters").Clone()))
                .ToList();
            await using var h = await LlmClientHarness.StartAsync();
            h.Server.Enqueue(FakeReply.Raw(200, root.GetProperty("response").GetRawText()));

            await h.Client(h.Llm("litellm_proxy/anthropic/claude-sonnet-4-20250514", baseUrlSuffix: null)).GetResponseAsync(history, new ChatOptions { Tools = tools });

            var sent = h.Body();
            var expectedMessages = root.GetProperty("messages").EnumerateArray().Select(Normalize).ToList();
            sent.GetProperty("messages").EnumerateArray().Select(Normalize).Should().Equal(expectedMessages, file);
            var sentTools = sent.GetProperty("tools").EnumerateArray().ToList();
            var expectedTools = root.GetProperty("tools").EnumerateArray().ToList();
            sentTools.Should().HaveCount(expectedTools.Count);
            foreach (var (actual, expected) in sentTools.Zip(expectedTools))
            {
                foreach (var field in new[] { "name", "description", "parameters" })
                {
                    JsonElement.DeepEquals(actual.GetProperty("function").GetProperty(field), expected.GetProperty("function").GetProperty(field))
                        .Should().BeTrue($"tool field {field} in {file}");
                }
            }
        }
    }

    /// <summary>A Python (OpenAI-format) message as Microsoft.Extensions.AI content, keeping raw tool arguments.</summary>
    private static ChatMessage ToChatMessage(JsonElement m)
    {
        var role = m.GetProperty("role").GetString()!;
        var texts = Texts(m).Select(t => (AIContent)new TextContent(t)).ToList();
        return role switch
        {
            "tool" => new ChatMessage(ChatRole.Tool, [new FunctionResultContent(m.GetProperty("tool_call_id").GetString()!, string.Join("\n", Texts(m)))]),
            "assistant" when m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array => new ChatMessage(ChatRole.Assistant,
            [
                .. texts,
                .. calls.EnumerateArray().Select(c => (AIContent)new FunctionCallContent(c.GetProperty("id").GetString()!, c.GetProperty("function").GetProperty("name").GetString()!)
                {
                    RawRepresentation = c.GetProperty("function").GetProperty("arguments").GetString(),
                }),
            ]),
            _ => new ChatMessage(new ChatRole(role), texts),
        };
    }

    /// <summary>Role, text parts (string or parts, blanks dropped), tool calls and tool ids: what both sides must agree on.</summary>
    private static string Normalize(JsonElement m)
    {
        var node = new JsonObject { ["role"] = m.GetProperty("role").GetString(), ["texts"] = new JsonArray([.. Texts(m).Select(t => (JsonNode?)t)]) };
        foreach (var name in new[] { "tool_call_id", "name" })
        {
            if (m.TryGetProperty(name, out var value))
            {
                node[name] = value.GetString();
            }
        }

        if (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            node["tool_calls"] = new JsonArray([.. calls.EnumerateArray().Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = c.GetProperty("id").GetString(),
                ["name"] = c.GetProperty("function").GetProperty("name").GetString(),
                ["arguments"] = c.GetProperty("function").GetProperty("arguments").GetString(),
            })]);
        }

        return node.ToJsonString();
    }

    private static List<string> Texts(JsonElement m)
    {
        if (!m.TryGetProperty("content", out var content))
        {
            return [];
        }

        var texts = content.ValueKind switch
        {
            JsonValueKind.String => [content.GetString()!],
            JsonValueKind.Array => content.EnumerateArray().Select(p => p.GetProperty("text").GetString()!),
            _ => Enumerable.Empty<string>(),
        };
        return texts.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
    }

    /// <summary>The same reply as the Anthropic Messages API would send it.</summary>
    private static JsonObject ToAnthropic(JsonElement openAi)
    {
        var choice = openAi.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var content = new JsonArray();
        if (message.GetProperty("content").GetString() is { Length: > 0 } text)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }

        foreach (var call in message.GetProperty("tool_calls").EnumerateArray())
        {
            content.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = call.GetProperty("id").GetString(),
                ["name"] = call.GetProperty("function").GetProperty("name").GetString(),
                ["input"] = JsonNode.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!),
            });
        }

        var usage = openAi.GetProperty("usage");
        var cached = usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64();
        return new JsonObject
        {
            ["id"] = "msg_" + openAi.GetProperty("id").GetString(),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = "claude-sonnet-4-20250514",
            ["content"] = content,
            ["stop_reason"] = choice.GetProperty("finish_reason").GetString() == "tool_calls" && message.GetProperty("tool_calls").GetArrayLength() > 0 ? "tool_use" : "end_turn",
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = usage.GetProperty("prompt_tokens").GetInt64() - cached,
                ["cache_read_input_tokens"] = cached,
                ["output_tokens"] = usage.GetProperty("completion_tokens").GetInt64(),
            },
        };
    }
}
