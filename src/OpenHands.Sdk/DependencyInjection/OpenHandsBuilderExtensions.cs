using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Further OpenHands registrations on the builder returned by <see cref="OpenHandsServiceCollectionExtensions.AddOpenHands"/>.</summary>
public static class OpenHandsBuilderExtensions
{
    /// <summary>
    /// Registers a chat client for a model prefix: <see cref="LlmChatClientFactory"/> then creates the client of every
    /// <see cref="Llm"/> whose model starts with <c>{prefix}/</c> with <paramref name="factory"/>, instead of a built-in one.
    /// </summary>
    /// <param name="builder">The OpenHands builder.</param>
    /// <param name="prefix">The model prefix, such as <c>mycompany</c> for <c>mycompany/model-1</c>; a trailing <c>/</c> is ignored.</param>
    /// <param name="factory">Creates the client from the root service provider and the LLM; it owns retries and timeouts of that client.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is blank.</exception>
    /// <remarks>Registering the same prefix again replaces the earlier function.</remarks>
    public static IOpenHandsBuilder AddChatClientProvider(this IOpenHandsBuilder builder, string prefix, Func<IServiceProvider, Llm, IChatClient> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(factory);
        var key = prefix.Trim().TrimEnd('/');
        ArgumentException.ThrowIfNullOrWhiteSpace(key, nameof(prefix));
        builder.Services.AddOptions<LlmChatClientFactoryOptions>()
            .Configure<IServiceProvider>((options, services) => options.Providers[key] = llm => factory(services, llm));
        return builder;
    }

    /// <summary>Registers <see cref="LlmChatClientFactory"/> as a singleton over one shared HttpClient that the container owns.</summary>
    internal static void AddLlmChatClients(IServiceCollection services)
    {
        services.AddOptions<LlmChatClientFactoryOptions>();
        services.TryAddSingleton<LlmHttpClientHolder>();
        services.TryAddSingleton(sp => new LlmChatClientFactory(
            sp.GetRequiredService<LlmHttpClientHolder>().Client,
            sp.GetRequiredService<IOptions<LlmChatClientFactoryOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
    }
}
