using Microsoft.Extensions.AI;

namespace OpenHands.Sdk.Llms;

/// <summary>Options of <see cref="LlmChatClientFactory"/>. Copied when the factory is constructed; later changes have no effect on it.</summary>
public sealed class LlmChatClientFactoryOptions
{
    /// <summary>
    /// Gets the chat clients that applications supply for model prefixes, such as <c>mycompany</c> for
    /// <c>mycompany/model-1</c>. A registered prefix takes precedence over the built-in providers, so an entry for
    /// <c>openai</c> replaces the built-in OpenAI client. When several prefixes match, the longest wins
    /// (<c>litellm_proxy/anthropic</c> before <c>litellm_proxy</c>).
    /// </summary>
    /// <value>
    /// Empty by default. Keys are compared ordinally, with or without a trailing <c>/</c>. The function receives the
    /// whole <see cref="Llm"/> and owns everything about the returned client: retries, timeouts and error mapping
    /// of the built-in clients do not apply to it.
    /// </value>
    public IDictionary<string, Func<Llm, IChatClient>> Providers { get; } = new Dictionary<string, Func<Llm, IChatClient>>(StringComparer.Ordinal);
}
