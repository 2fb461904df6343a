using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>JSON helpers shared by the wire formats.</summary>
internal static class WireJson
{
    /// <summary>
    /// Compact output without HTML-safe escaping: bodies go to an HTTP API, not into a web page, and prompts full of
    /// <c>&lt;tags&gt;</c> stay readable in proxies' logs.
    /// </summary>
    public static readonly JsonSerializerOptions WireOptions = new(AIJsonUtilities.DefaultOptions)
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The raw arguments JSON of a tool call: the string received from the provider when there is one, else the arguments serialized.</summary>
    public static string ArgumentsJson(FunctionCallContent call)
    {
        if (call.RawRepresentation is string raw)
        {
            return raw;
        }

        if (call.Arguments is null)
        {
            return "{}";
        }

        return JsonSerializer.Serialize(call.Arguments, WireOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    /// <summary>A tool call whose <see cref="AIContent.RawRepresentation"/> is the arguments string exactly as received.</summary>
    public static FunctionCallContent ToolCall(string callId, string name, string argumentsJson)
    {
        var call = FunctionCallContent.CreateFromParsedArguments(argumentsJson, callId, name, ParseArguments);
        call.RawRepresentation = argumentsJson;
        return call;
    }

    /// <summary>The text a tool result is sent as.</summary>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => e.GetRawText(),
        TextContent t => t.Text,
        IEnumerable<AIContent> contents => string.Join("\n", contents.OfType<TextContent>().Select(t => t.Text)),
        var other => JsonSerializer.Serialize(other, WireOptions.GetTypeInfo(other.GetType())),
    };

    /// <summary>A copy of <paramref name="element"/> as a mutable node; <see langword="null"/> for no value.</summary>
    /// <remarks>
    /// Hand-walked on purpose: an arbitrary document (a tool's JSON Schema, a <c>litellm_extra_body</c> value) passed into
    /// the request untouched, its exact text re-parsed, so no contract can stand for it.
    /// </remarks>
    public static JsonNode? Node(JsonElement element) => element.ValueKind is JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());

    /// <summary>A number node that prints integral values without a fraction (<c>top_k: 40</c>, not <c>40.0</c>).</summary>
    public static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    public static ChatFinishReason? FinishReason(string? value) => value switch
    {
        null or "" => null,
        "stop" or "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "length" or "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_calls" or "function_call" or "tool_use" => ChatFinishReason.ToolCalls,
        "content_filter" or "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(value),
    };

    /// <summary>The session header value from <see cref="LlmChatProperties.SessionId"/>, if set.</summary>
    public static string? SessionId(ChatOptions? options) =>
        options?.AdditionalProperties is { } props && props.TryGetValue(LlmChatProperties.SessionId, out var value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } s ? s : null
            : null;

    private static Dictionary<string, object?>? ParseArguments(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        // The object contract rejects any other JSON value with a JsonException naming the path, as the caller expects.
        var arguments = JsonSerializer.Deserialize(json, OpenHandsJsonContext.Default.DictionaryStringJsonElement)
            ?? throw new JsonException("Tool call arguments are JSON null, not an object.");
        return arguments.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
    }
}
