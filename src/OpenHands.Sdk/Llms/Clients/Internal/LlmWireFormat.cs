namespace OpenHands.Sdk.Llms.Clients.Internal;

/// <summary>The request and response format a provider speaks.</summary>
internal enum LlmWireFormat
{
    /// <summary>OpenAI Chat Completions (OpenAI, Azure OpenAI, LiteLLM, OpenRouter, DeepSeek, Ollama, vLLM, ...).</summary>
    ChatCompletions,

    /// <summary>Anthropic Messages.</summary>
    AnthropicMessages,
}
