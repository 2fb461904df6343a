using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Clients.Internal;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// The reply contracts of both wire formats read what providers and gateways send in place of the documented shape:
/// a field of another type is absent, never an error, and tool arguments keep their exact text.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class ProviderReplyContractTests
{
    [Test]
    public void ChatCompletions_ContentParts_ObjectArguments_AndCountsOfEveryShape_AreReadLoosely()
    {
        var response = ChatCompletionsWire.ParseResponse(JsonElement.Parse("""
            {
              "id": "chatcmpl-one", "model": "gpt-loose", "created": 1700000000.0,
              "choices": [{
                "finish_reason": "tool_calls",
                "message": {
                  "reasoning": "thinking aloud",
                  "content": [{"type": "text", "text": "first"}, {"type": "image_url", "image_url": {}}, {"text": "second"}, {"type": "text", "text": ""}],
                  "tool_calls": [
                    {"id": "call-a", "type": "function", "function": {"name": "terminal", "arguments": {"command":  "ls",  "x": "\u00e9"}}},
                    {"id": "call-b", "type": "function", "function": {"name": "think", "arguments": "{\"thought\": \"hm\"}"}},
                    {"id": "call-c", "type": "function", "function": {"name": "", "arguments": "{}"}},
                    {"id": "call-d", "type": "web_search", "function": {"name": "search"}},
                    {"id": "call-e", "function": {"name": "finish", "arguments": 42}}
                  ]
                }
              }],
              "usage": {"prompt_tokens": 12.0, "completion_tokens": "7", "prompt_tokens_details": "none", "cache_read_input_tokens": 3,
                        "completion_tokens_details": {"reasoning_tokens": 2}, "cache_creation_input_tokens": 5}
            }
            """));

        response.ResponseId.Should().Be("chatcmpl-one");
        response.CreatedAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        var contents = response.Messages.Single().Contents;
        contents.OfType<TextReasoningContent>().Single().Text.Should().Be("thinking aloud");
        contents.OfType<TextContent>().Select(t => t.Text).Should().Equal("first", "second");
        var calls = contents.OfType<FunctionCallContent>().ToList();
        calls.Select(c => c.CallId).Should().Equal("call-a", "call-b", "call-e");
        calls[0].RawRepresentation.Should().Be("""{"command":  "ls",  "x": "\u00e9"}""", "an object's arguments keep their exact text");
        calls[0].Arguments!["command"].Should().BeOfType<JsonElement>().Which.GetString().Should().Be("ls");
        calls[1].RawRepresentation.Should().Be("""{"thought": "hm"}""");
        calls[2].RawRepresentation.Should().Be(string.Empty, "arguments of another type are empty");
        response.Usage!.InputTokenCount.Should().Be(12);
        response.Usage.OutputTokenCount.Should().BeNull("a string is not a count");
        response.Usage.TotalTokenCount.Should().BeNull();
        response.Usage.CachedInputTokenCount.Should().Be(3, "details of another shape are absent, so the cache counter answers");
        response.Usage.ReasoningTokenCount.Should().Be(2);
        response.Usage.AdditionalCounts![LlmChatProperties.CacheWriteTokens].Should().Be(5);
    }

    [TestCase("""{"id": "x", "choices": {"message": {}}, "usage": "lots"}""")]
    [TestCase("""{"id": "x", "choices": null, "usage": null}""")]
    [TestCase("""{"id": "x"}""")]
    public void ChatCompletions_ChoicesAndUsageOfAnotherShape_AreAbsent(string json)
    {
        var response = ChatCompletionsWire.ParseResponse(JsonElement.Parse(json));

        response.ResponseId.Should().Be("x");
        response.Messages.Should().BeEmpty();
        response.Usage.Should().BeNull();
    }

    [Test]
    public void ChatCompletions_AStringContent_IsOneText_AndAMissingMessageGivesAnEmptyOne()
    {
        ChatCompletionsWire.ParseResponse(JsonElement.Parse("""{"choices": [{"message": {"content": "hello", "reasoning_content": "why"}}]}"""))
            .Messages.Single().Contents.Select(c => c.GetType()).Should().Equal(typeof(TextReasoningContent), typeof(TextContent));
        ChatCompletionsWire.ParseResponse(JsonElement.Parse("""{"choices": [{"finish_reason": "stop"}]}"""))
            .Messages.Single().Contents.Should().BeEmpty();
    }

    [Test]
    public void Anthropic_Blocks_KeepToolInputAsSent_AndCountCacheInInput()
    {
        var response = AnthropicMessagesWire.ParseResponse(JsonElement.Parse("""
            {
              "id": "msg-one", "model": "claude-loose", "stop_reason": "tool_use",
              "content": [
                {"type": "thinking", "thinking": "plan", "signature": "sig"},
                {"type": "redacted_thinking", "data": "opaque"},
                {"type": "text", "text": "calling"},
                {"type": "tool_use", "id": "toolu-a", "name": "terminal", "input": {"command": "ls" }},
                {"type": "tool_use", "id": "toolu-b", "name": "think"},
                {"type": "tool_use", "id": "toolu-c", "name": "finish", "input": null},
                {"type": "server_tool_use", "id": "toolu-d", "name": "web"}
              ],
              "usage": {"input_tokens": 10, "cache_read_input_tokens": 4, "cache_creation_input_tokens": 1, "output_tokens": 6}
            }
            """));

        var contents = response.Messages.Single().Contents;
        contents.OfType<TextReasoningContent>().Select(r => (r.Text, r.ProtectedData)).Should().Equal(("plan", "sig"), ("", "opaque"));
        contents.OfType<TextContent>().Single().Text.Should().Be("calling");
        contents.OfType<FunctionCallContent>().Select(c => (string)c.RawRepresentation!).Should().Equal("""{"command": "ls" }""", "{}", "null");
        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        response.Usage!.InputTokenCount.Should().Be(15);
        response.Usage.TotalTokenCount.Should().Be(21);
        response.Usage.CachedInputTokenCount.Should().Be(4);
    }
}
