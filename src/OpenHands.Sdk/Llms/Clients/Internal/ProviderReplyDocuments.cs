using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Llms.Clients.Internal;

// The replies of the two wire formats, as read. Providers and the gateways in front of them fill these unevenly, so
// every field is loose: a value of another shape reads as absent (what the reply parsers then judge), never as an error.

/// <summary>A Chat Completions reply (whole, or the last chunk of a stream, which carries <c>usage</c>).</summary>
internal sealed class ChatCompletionsReplyDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Id { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Model { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? Created { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<List<ChatCompletionsChoiceDocument>>))]
    public List<ChatCompletionsChoiceDocument>? Choices { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<ProviderUsageDocument>))]
    public ProviderUsageDocument? Usage { get; init; }
}

/// <summary>One choice of a Chat Completions reply; only the first is read.</summary>
internal sealed class ChatCompletionsChoiceDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? FinishReason { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<ChatCompletionsMessageDocument>))]
    public ChatCompletionsMessageDocument? Message { get; init; }
}

/// <summary>The assistant's message: reasoning (<c>reasoning_content</c>, or vLLM's <c>reasoning</c>), content, tool calls.</summary>
internal sealed class ChatCompletionsMessageDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? ReasoningContent { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Reasoning { get; init; }

    /// <summary>Gets the content: a string reads as one text part, a list as its parts.</summary>
    [JsonConverter(typeof(ContentPartsConverter))]
    public List<ContentPartDocument>? Content { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<List<ChatCompletionsToolCallDocument>>))]
    public List<ChatCompletionsToolCallDocument>? ToolCalls { get; init; }
}

/// <summary>A part of a message's content; a part without <c>type</c> counts as text.</summary>
internal sealed class ContentPartDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Type { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Text { get; init; }
}

/// <summary>A tool call of a Chat Completions message.</summary>
internal sealed class ChatCompletionsToolCallDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Id { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Type { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<ChatCompletionsFunctionDocument>))]
    public ChatCompletionsFunctionDocument? Function { get; init; }
}

/// <summary>The function of a tool call.</summary>
internal sealed class ChatCompletionsFunctionDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Name { get; init; }

    /// <summary>Gets the arguments as sent: the string's content, or an object's exact text (some servers send one).</summary>
    [JsonConverter(typeof(ToolArgumentsTextConverter))]
    public string? Arguments { get; init; }
}

/// <summary>An Anthropic Messages reply (whole, or as the official SDK's aggregator rebuilds a stream).</summary>
internal sealed class AnthropicReplyDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Id { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Model { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? StopReason { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<List<AnthropicContentBlockDocument>>))]
    public List<AnthropicContentBlockDocument>? Content { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<ProviderUsageDocument>))]
    public ProviderUsageDocument? Usage { get; init; }
}

/// <summary>A content block: <c>text</c>, <c>thinking</c>, <c>redacted_thinking</c> or <c>tool_use</c> (others are skipped).</summary>
internal sealed class AnthropicContentBlockDocument
{
    [JsonConverter(typeof(LooseStringConverter))]
    public string? Type { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Id { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Name { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Text { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Thinking { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Signature { get; init; }

    [JsonConverter(typeof(LooseStringConverter))]
    public string? Data { get; init; }

    /// <summary>Gets a <c>tool_use</c> block's input, its exact JSON text (passed on untouched as the call's arguments).</summary>
    [JsonConverter(typeof(RawJsonTextConverter))]
    public string? Input { get; init; }
}

/// <summary>
/// The token counts of either format: OpenAI's (<c>prompt_tokens</c>, ... with their details), Anthropic's
/// (<c>input_tokens</c>, <c>output_tokens</c>) and the cache counters both use.
/// </summary>
internal sealed class ProviderUsageDocument
{
    [JsonConverter(typeof(LooseInt64Converter))]
    public long? PromptTokens { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? CompletionTokens { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? TotalTokens { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<TokenDetailsDocument>))]
    public TokenDetailsDocument? PromptTokensDetails { get; init; }

    [JsonConverter(typeof(LooseShapeConverter<TokenDetailsDocument>))]
    public TokenDetailsDocument? CompletionTokensDetails { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? InputTokens { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? OutputTokens { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? CacheReadInputTokens { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? CacheCreationInputTokens { get; init; }
}

/// <summary><c>prompt_tokens_details</c> (<c>cached_tokens</c>) and <c>completion_tokens_details</c> (<c>reasoning_tokens</c>).</summary>
internal sealed class TokenDetailsDocument
{
    [JsonConverter(typeof(LooseInt64Converter))]
    public long? CachedTokens { get; init; }

    [JsonConverter(typeof(LooseInt64Converter))]
    public long? ReasoningTokens { get; init; }
}

/// <summary>A message's <c>content</c>: a string is one text part, a list is read as its parts, anything else is absent.</summary>
internal sealed class ContentPartsConverter : JsonConverter<List<ContentPartDocument>>
{
    public override List<ContentPartDocument>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return [new ContentPartDocument { Text = reader.GetString() }];
            case JsonTokenType.StartArray:
                return JsonSerializer.Deserialize(ref reader, Serialization.OpenHandsJsonContext.Default.ListContentPartDocument);
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, List<ContentPartDocument> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, Serialization.OpenHandsJsonContext.Default.ListContentPartDocument);
}

/// <summary>A tool call's <c>arguments</c>: a string's content, an object's exact text, anything else empty.</summary>
internal sealed class ToolArgumentsTextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
                return JsonElement.ParseValue(ref reader).GetRawText();
            default:
                reader.Skip();
                return string.Empty;
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
