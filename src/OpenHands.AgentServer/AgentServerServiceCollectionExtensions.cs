using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OpenHands agent server services.</summary>
public static class AgentServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the agent server and, through <c>AddOpenHands</c>, the profile store, settings store and chat clients it
    /// shares with the rest of the app. Map the endpoints with <c>MapOpenHandsAgentServer</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Runs after configuration and environment variables were applied.</param>
    /// <returns>The OpenHands builder, for further SDK registrations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IOpenHandsBuilder AddOpenHandsAgentServer(this IServiceCollection services, Action<AgentServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AgentServerOptions>, AgentServerConfiguration>());
        var options = services.AddOptions<AgentServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var builder = services.AddOpenHands();
        services.AddOptions<OpenHandsOptions>().Configure<IOptions<AgentServerOptions>>((o, server) =>
        {
            o.PersistenceDirectory ??= server.Value.PersistenceDirectory;
            o.SecretKey ??= AgentServerConfiguration.EffectiveSecretKey(server.Value);
            o.ConversationsDirectory ??= Path.GetFullPath(server.Value.ConversationsPath);
        });
        services.TryAddSingleton<SessionKeyCheck>();
        services.TryAddSingleton<ConversationService>();
        services.AddOpenApi();
        return builder;
    }
}
