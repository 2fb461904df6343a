using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.PostgreSql;
using OpenHands.Sdk.PostgreSql.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the OpenHands stores in PostgreSQL instead of files.</summary>
public static class PostgreSqlOpenHandsBuilderExtensions
{
    /// <summary>
    /// Replaces the file stores of LLM profiles, provider connections, settings, agent profiles and conversations with
    /// PostgreSQL ones on one database, and
    /// migrates its schema when the host starts (and before the first statement in any case).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddOpenHands</c>.</param>
    /// <param name="connectionString">A <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDatabaseUrlException">The connection string is not valid (checked now).</exception>
    /// <remarks>
    /// Secrets are encrypted with the cipher <c>AddOpenHands</c> configured (<see cref="CipherHolder"/>). The registered
    /// <c>ConversationFactory</c> then persists conversations in the database (<see cref="PostgreSqlConversationStore"/>),
    /// also when <c>OpenHandsOptions.ConversationsDirectory</c> is not set.
    /// </remarks>
    public static IOpenHandsBuilder UsePostgreSql(this IOpenHandsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        var parsed = PostgreSqlConnectionString.Parse(connectionString, nameof(connectionString));
        return builder.UsePostgreSql(_ => parsed);
    }

    /// <summary>
    /// Like <see cref="UsePostgreSql(IOpenHandsBuilder, string)"/>, with the connection string chosen when the services
    /// are first resolved (from options or configuration); where <paramref name="connectionString"/> returns
    /// <see langword="null"/>, the file stores registered before stay in use.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddOpenHands</c>.</param>
    /// <param name="connectionString">Returns the URL or connection string from the root service provider, or <see langword="null"/> for the file stores.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IOpenHandsBuilder UsePostgreSql(this IOpenHandsBuilder builder, Func<IServiceProvider, string?> connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionString);
        var services = builder.Services;
        services.RemoveAll<PostgreSqlStorage>();
        services.AddSingleton(sp => new PostgreSqlStorage(connectionString(sp) is { } value
            ? new PostgreSqlDatabase(value, loggerFactory: sp.GetService<ILoggerFactory>())
            : null));
        Select<ILlmProfileStore>(services, (sp, database) => new PostgreSqlLlmProfileStore(
            database, sp.GetRequiredService<CipherHolder>().Cipher, sp.GetService<ILoggerFactory>()));
        Select<IProviderConnectionStore>(services, (sp, database) => new PostgreSqlProviderConnectionStore(
            database, sp.GetRequiredService<CipherHolder>().Cipher, sp.GetRequiredService<ILlmProfileStore>(),
            loggerFactory: sp.GetService<ILoggerFactory>(), timeProvider: sp.GetService<TimeProvider>()));
        Select<ISettingsStore>(services, (sp, database) => new PostgreSqlSettingsStore(
            database, sp.GetRequiredService<ILlmProfileStore>(), sp.GetService<ILoggerFactory>()));
        Select<IAgentProfileStore>(services, (sp, database) => new PostgreSqlAgentProfileStore(database, sp.GetService<ILoggerFactory>()));
        Select<ConversationStoreHolder>(services, (sp, database) => new ConversationStoreHolder(new PostgreSqlConversationStore(database, sp.GetService<ILoggerFactory>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlMigrationService>());
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="T"/> as the PostgreSQL store when a database is configured and as the registration
    /// it replaces (the file store) otherwise.
    /// </summary>
    private static void Select<T>(IServiceCollection services, Func<IServiceProvider, PostgreSqlDatabase, T> create)
        where T : class
    {
        var previous = services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        services.RemoveAll<T>();
        services.AddSingleton(sp => sp.GetRequiredService<PostgreSqlStorage>().Database is { } database
            ? create(sp, database)
            : Fallback<T>(sp, previous));
    }

    private static T Fallback<T>(IServiceProvider services, ServiceDescriptor? previous)
        where T : class
    {
        if (previous?.ImplementationInstance is T instance)
        {
            return instance;
        }

        if (previous?.ImplementationFactory is { } factory)
        {
            return (T)factory(services);
        }

        if (previous?.ImplementationType is { } type)
        {
            return (T)ActivatorUtilities.CreateInstance(services, type);
        }

        throw new InvalidOperationException(
            $"No database is configured and no {typeof(T).Name} was registered before UsePostgreSql: call AddOpenHands first, or give a connection string.");
    }
}
