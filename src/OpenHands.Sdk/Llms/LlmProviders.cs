using System.Collections.Immutable;
using OpenHands.Sdk.Llms.Clients.Internal;

namespace OpenHands.Sdk.Llms;

/// <summary>
/// The providers this SDK has a built-in client for, and which one a model id is routed to: what a provider and model
/// catalog (the agent server's <c>/api/providers</c> and <c>/api/models</c>) lists.
/// </summary>
public static class LlmProviders
{
    /// <summary>Gets the providers with a built-in client, by the model prefix that selects them (<c>openai</c>, <c>anthropic</c>, …).</summary>
    public static ImmutableArray<string> BuiltIn => LlmRoute.BuiltInProviders;

    /// <summary>The provider <paramref name="model"/> is routed to: its prefix, else <c>openai</c> or <c>anthropic</c> by the model's family, else <see langword="null"/>.</summary>
    /// <param name="model">A model id, such as <c>anthropic/claude-sonnet-4-5</c> or <c>gpt-4o</c>.</param>
    /// <returns>The provider, or <see langword="null"/> when the model names none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public static string? ProviderOf(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LlmRoute.ProviderOf(model);
    }
}
