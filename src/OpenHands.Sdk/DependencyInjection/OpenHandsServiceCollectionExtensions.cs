using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OpenHands.Sdk services.</summary>
public static class OpenHandsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the profile store (<see cref="ILlmProfileStore"/>), provider connection store (<see cref="IProviderConnectionStore"/>),
    /// settings store (<see cref="ISettingsStore"/>), agent profile store (<see cref="IAgentProfileStore"/>), cipher, materializer,
    /// resolver, conversation store (<see cref="ConversationStoreHolder"/>) and <see cref="ConversationFactory"/> as singletons that
    /// share one store instance; the stores are files under the persistence folder until a registration such as <c>UsePostgreSql</c> replaces them. Calling it again changes nothing but adds the further configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="OpenHandsOptions"/>; options are validated when the host starts.</param>
    /// <returns>A builder for further OpenHands registrations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IOpenHandsBuilder AddOpenHands(this IServiceCollection services, Action<OpenHandsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OpenHandsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenHandsOptions>, OpenHandsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OpenHandsOptions>>().Value;
            return new CipherHolder(SecretKeySource.CreateCipher(
                o.SecretKey, o.SecretKeyFromEnvironment ? null : static _ => null, timeProvider: sp.GetRequiredService<TimeProvider>(),
                previous: o.PreviousSecretKey));
        });
        services.TryAddSingleton<ILlmProfileStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OpenHandsOptions>>().Value;
            return new LlmProfileStore(
                new LlmProfileStoreOptions
                {
                    Directory = OpenHandsPaths.ProfilesDirectory(o.ProfilesDirectory, o.PersistenceDirectory),
                    LockTimeout = o.LockTimeout,
                    FlushToDisk = o.FlushToDisk,
                },
                sp.GetRequiredService<CipherHolder>().Cipher,
                sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton(sp => new ProfileMaterializer(sp.GetRequiredService<ILlmProfileStore>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<ISettingsStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OpenHandsOptions>>().Value;
            return new SettingsStore(
                new SettingsStoreOptions { Directory = o.PersistenceDirectory, LockTimeout = o.LockTimeout },
                sp.GetRequiredService<ILlmProfileStore>(),
                sp.GetRequiredService<CipherHolder>().Cipher,
                sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton<IAgentProfileStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OpenHandsOptions>>().Value;
            return new AgentProfileStore(
                Path.Combine(OpenHandsPaths.PersistenceDirectory(o.PersistenceDirectory), AgentProfileStore.FolderName),
                o.LockTimeout,
                sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton<IProviderConnectionStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<OpenHandsOptions>>().Value;
            return new ProviderConnectionStore(
                new ProviderConnectionStoreOptions
                {
                    Directory = OpenHandsPaths.ProviderConnectionsDirectory(null, o.PersistenceDirectory),
                    LockTimeout = o.LockTimeout,
                    FlushToDisk = o.FlushToDisk,
                },
                sp.GetRequiredService<CipherHolder>().Cipher,
                sp.GetRequiredService<ILlmProfileStore>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<TimeProvider>());
        });
        services.TryAddSingleton(sp => new ProfileResolver(
            sp.GetRequiredService<ILlmProfileStore>(), sp.GetRequiredService<ISettingsStore>(), sp.GetRequiredService<IProviderConnectionStore>()));
        OpenHandsBuilderExtensions.AddLlmChatClients(services);
        services.TryAddSingleton(sp => new ConversationStoreHolder(
            sp.GetRequiredService<IOptions<OpenHandsOptions>>().Value.ConversationsDirectory is { } conversations
                ? new FileConversationStore(conversations, sp.GetService<TimeProvider>())
                : null));
        services.TryAddSingleton(sp => new ConversationFactory(new ConversationFactoryOptions
        {
            Store = sp.GetRequiredService<ConversationStoreHolder>().Store,
            ProfileStore = sp.GetRequiredService<ILlmProfileStore>(),
            Resolver = sp.GetRequiredService<ProfileResolver>(),
            Materializer = sp.GetRequiredService<ProfileMaterializer>(),
            ChatClientFactory = sp.GetRequiredService<LlmChatClientFactory>().CreateClient,
            ToolRegistry = sp.GetService<ToolRegistry>(),
            Cipher = sp.GetRequiredService<CipherHolder>().Cipher,
            LoggerFactory = sp.GetService<ILoggerFactory>(),
            TimeProvider = sp.GetService<TimeProvider>(),
        }));
        return new OpenHandsBuilder(services);
    }

    private sealed record OpenHandsBuilder(IServiceCollection Services) : IOpenHandsBuilder;
}
