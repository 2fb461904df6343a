using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Wire;

// The OpenAI-compatible gateway under /v1: the subset of OpenAI's Chat Completions and Models shapes that the Python
// agent-server's gateway reads and writes. Unknown request fields (temperature, tools, ...) are ignored, as there.

/// <summary><c>GET /v1/models</c>: <c>{"object": "list", "data": [...]}</c>.</summary>
internal sealed class OpenAiModelList
{
    public string Object { get; init; } = "list";

    public required IReadOnlyList<OpenAiModel> Data { get; init; }
}

/// <summary>One model a client may call: a profile, as <c>openhands_&lt;profile&gt;</c>.</summary>
internal sealed class OpenAiModel
{
    public required string Id { get; init; }

    public string Object { get; init; } = "model";

    public long Created { get; init; }

    public string OwnedBy { get; init; } = "openhands";
}

/// <summary><c>POST /v1/chat/completions</c>: the model (a profile), the messages and whether to stream.</summary>
internal sealed class ChatCompletionRequest
{
    public string? Model { get; init; }

    public IReadOnlyList<ChatCompletionMessage?>? Messages { get; init; }

    public bool Stream { get; init; }

    public ChatCompletionStreamOptions? StreamOptions { get; init; }
}

/// <summary>One message of a request: a role and its content (a string, or a list of parts whose texts are joined).</summary>
internal sealed class ChatCompletionMessage
{
    public string? Role { get; init; }

    [JsonConverter(typeof(TextPartConverter))]
    public string? Content { get; init; }
}

/// <summary><c>stream_options</c>: whether a last chunk carries the usage.</summary>
internal sealed class ChatCompletionStreamOptions
{
    public bool IncludeUsage { get; init; }
}

/// <summary>A whole answer: <c>{"id", "object": "chat.completion", "created", "model", "choices", "usage"}</c>.</summary>
internal sealed class ChatCompletionResponse
{
    public required string Id { get; init; }

    public string Object { get; init; } = "chat.completion";

    public long Created { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<ChatCompletionChoice> Choices { get; init; }

    public ChatCompletionUsage? Usage { get; init; }
}

/// <summary>One choice of a whole answer.</summary>
internal sealed class ChatCompletionChoice
{
    public int Index { get; init; }

    public required ChatCompletionAnswer Message { get; init; }

    public string FinishReason { get; init; } = "stop";
}

/// <summary>The assistant's message.</summary>
internal sealed class ChatCompletionAnswer
{
    public string Role { get; init; } = "assistant";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; }
}

/// <summary>Token counts of the conversation's LLM calls.</summary>
internal sealed class ChatCompletionUsage
{
    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long TotalTokens { get; init; }
}

/// <summary>One server-sent event of a streamed answer: <c>{"object": "chat.completion.chunk", "choices": [{"delta"}]}</c>.</summary>
internal sealed class ChatCompletionChunk
{
    public required string Id { get; init; }

    public string Object { get; init; } = "chat.completion.chunk";

    public long Created { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<ChatCompletionChunkChoice> Choices { get; init; }

    public ChatCompletionUsage? Usage { get; init; }
}

/// <summary>One choice of a chunk; <c>finish_reason</c> is null until the last.</summary>
internal sealed class ChatCompletionChunkChoice
{
    public int Index { get; init; }

    public required ChatCompletionDelta Delta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}

/// <summary>The next piece of the answer: the role first, then pieces of content (and of reasoning).</summary>
internal sealed class ChatCompletionDelta
{
    public string? Role { get; init; }

    public string? Content { get; init; }

    public string? ReasoningContent { get; init; }
}

/// <summary>An error under <c>/v1</c>, in OpenAI's shape: <c>{"error": {"message", "type", "code"}}</c>.</summary>
internal sealed class OpenAiErrorResponse
{
    public required OpenAiError Error { get; init; }
}

/// <summary>What went wrong: a message, a type (<c>invalid_request_error</c>, <c>authentication_error</c>, ...) and a code.</summary>
internal sealed class OpenAiError
{
    public required string Message { get; init; }

    public required string Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }
}
