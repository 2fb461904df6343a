using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.AgentServer;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Profiles;
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
    /// <param name="configure">Runs after the <c>AgentServer</c> configuration section and the environment variables were applied.</param>
    /// <returns>The OpenHands builder, for further SDK registrations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>
    /// <see cref="AgentServerOptions"/> are validated when the host starts: a bad setting stops the start with one
    /// message naming every problem. Hosted services then migrate a legacy <c>settings.json</c>, remove temp files left by
    /// crashed writes, and restore every persisted conversation, all before the first request; when the host stops,
    /// conversation runs are cancelled and awaited.
    /// </para>
    /// <para>
    /// Files live under the persistence folder (<c>OH_PERSISTENCE_DIR</c>, else <c>~/.openhands</c>): <c>settings.json</c>,
    /// <c>profiles/</c>, <c>conversations/</c> (or <c>OH_CONVERSATIONS_PATH</c>) and <c>workspaces/&lt;id&gt;</c>, the folder of
    /// each conversation started without a workspace. On Unix every folder is created with mode 0700 and every file with 0600.
    /// </para>
    /// </remarks>
    public static IOpenHandsBuilder AddOpenHandsAgentServer(this IServiceCollection services, Action<AgentServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Bound from the AgentServer section, then the Python agent-server's environment variables, then the configure
        // action; validated (before the SDK's own options) when the host starts.
        var options = services.AddOptions<AgentServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AgentServerOptions>, AgentServerConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentServerOptions>, AgentServerOptionsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp => ServerFolders.Resolve(sp.GetRequiredService<IOptions<AgentServerOptions>>().Value));

        // The server's cipher comes from its options alone (which hold the environment's values), so a host that sets
        // SecretKey = null really gets no cipher; the SDK's services get the same keys, their environment fallback off.
        services.TryAddSingleton(sp => new ServerCipher(SecretKeySource.CreateCipher(
            AgentServerConfiguration.EffectiveSecretKey(sp.GetRequiredService<IOptions<AgentServerOptions>>().Value),
            static _ => null,
            timeProvider: sp.GetService<TimeProvider>(),
            previous: sp.GetRequiredService<IOptions<AgentServerOptions>>().Value.PreviousSecretKey)));
        var builder = services.AddOpenHands();

        // With a database (OH_DATABASE_URL, ConnectionStrings:OpenHands or DatabaseUrl), profiles, provider connections,
        // settings, agent profiles and conversations live in PostgreSQL, shared by every instance; the schema is migrated
        // at start. Without one, the files stay.
        builder.UsePostgreSql(sp => sp.GetRequiredService<IOptions<AgentServerOptions>>().Value.DatabaseUrl);

        // Every conversation is written through this instance's leases when the database is shared (ConversationOwnership):
        // the factory gets the fenced store, the ownership the store it fences.
        var conversationStore = services.Last(d => d.ServiceType == typeof(ConversationStoreHolder) && !d.IsKeyedService);
        services.Remove(conversationStore);
        services.TryAddSingleton(sp => new ConversationOwnership(
            Create<ConversationStoreHolder>(sp, conversationStore).Store,
            sp.GetRequiredService<IOptions<AgentServerOptions>>().Value,
            sp.GetRequiredService<ILogger<ConversationOwnership>>()));
        services.AddSingleton(sp => new ConversationStoreHolder(sp.GetRequiredService<ConversationOwnership>().Store));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConversationLeaseService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConversationNotificationService>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Hosting.IStartupFilter, OwnerForwarding.StartupFilter>());
        services.AddOptions<OpenHandsOptions>().Configure<IOptions<AgentServerOptions>>((o, server) =>
        {
            var folders = ServerFolders.Resolve(server.Value);
            o.PersistenceDirectory ??= folders.Persistence;
            o.SecretKey ??= AgentServerConfiguration.EffectiveSecretKey(server.Value);
            o.PreviousSecretKey ??= server.Value.PreviousSecretKey;
            o.SecretKeyFromEnvironment = false;
            o.ConversationsDirectory ??= folders.Conversations;
        });

        // Before the first request: a legacy settings.json's LLM moves into a profile (with a backup), so that the very
        // first GET /api/profiles lists it; then crash leftovers go and the conversations are restored (and, at stop,
        // their runs are cancelled and awaited).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LegacySettingsMigrationService>());
        services.TryAddSingleton<ConversationService>();
        services.TryAddSingleton<ChatGateway>();
        services.TryAddSingleton<ProfileListingCache>();
        services.TryAddSingleton<ServerSecretsStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConversationLifetime>());

        // The workspace routes: commands run (and, at stop, are killed with their process groups) by one service, which
        // also holds the workspace root's one path confinement.
        services.TryAddSingleton<BashEventService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BashEventService>(sp => sp.GetRequiredService<BashEventService>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<BashEventService>().Paths);
        services.TryAddSingleton<GitRunner>();
        services.TryAddSingleton<GitService>();
        AgentServerEndpointServices.Add(services);   // the session-key scheme, its policy and the OpenAPI document
        return builder;
    }

    private static T Create<T>(IServiceProvider services, ServiceDescriptor descriptor)
        where T : class => descriptor switch
        {
            { ImplementationInstance: T instance } => instance,
            { ImplementationFactory: { } factory } => (T)factory(services),
            _ => (T)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!),
        };

    /// <summary>
    /// Exports traces and metrics (ASP.NET Core, outgoing HTTP, the <c>OpenHands.Sdk</c> and <c>OpenHands.AgentServer</c>
    /// sources and meters) over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; otherwise adds nothing.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration that may hold <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_SERVICE_NAME</c>.</param>
    /// <returns><see langword="true"/> when export was configured.</returns>
    public static bool AddOpenHandsAgentServerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AgentServerTelemetry.AddExportWhenConfigured(services, configuration);
    }
}
