using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Security.Internal;

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

        // The server's cipher comes from its options alone (which hold the environment's values), so a host that sets
        // SecretKey = null really gets no cipher; registered before AddOpenHands, whose own default it replaces.
        services.TryAddSingleton(sp => new CipherHolder(SecretKeySource.CreateCipher(
            AgentServerConfiguration.EffectiveSecretKey(sp.GetRequiredService<IOptions<AgentServerOptions>>().Value),
            static _ => null,
            timeProvider: sp.GetService<TimeProvider>())));
        var builder = services.AddOpenHands();
        services.AddOptions<OpenHandsOptions>().Configure<IOptions<AgentServerOptions>>((o, server) =>
        {
            o.PersistenceDirectory ??= server.Value.PersistenceDirectory;
            o.SecretKey ??= AgentServerConfiguration.EffectiveSecretKey(server.Value);
            o.ConversationsDirectory ??= Path.GetFullPath(server.Value.ConversationsPath);
        });

        // Before the first request: a legacy settings.json's LLM moves into a profile (with a backup), so that the very
        // first GET /api/profiles lists it.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LegacySettingsMigrationService>());
        services.TryAddSingleton<SessionKeyCheck>();
        services.TryAddSingleton<ConversationService>();
        services.AddOpenApi();
        return builder;
    }
}
