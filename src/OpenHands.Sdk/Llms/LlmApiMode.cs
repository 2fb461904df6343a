namespace OpenHands.Sdk.Llms;

/// <summary>Which provider API an <see cref="Llm"/> uses (JSON field <c>api_mode</c>).</summary>
public enum LlmApiMode
{
    /// <summary>Chosen from the model (<c>"auto"</c>), the default.</summary>
    Auto = 0,

    /// <summary>The Chat Completions API (<c>"chat"</c>).</summary>
    Chat = 1,

    /// <summary>The Responses API (<c>"responses"</c>).</summary>
    Responses = 2,
}
