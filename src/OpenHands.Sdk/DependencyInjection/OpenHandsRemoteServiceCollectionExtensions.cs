using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Remote;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the agent server client.</summary>
public static class OpenHandsRemoteServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="RemoteWorkspace"/> singleton for one agent server; options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the server's address, session key and timing.</param>
    /// <param name="httpClient">
    /// Supplies an <see cref="HttpClient"/> for each request and websocket connect, for example
    /// <c>sp =&gt; sp.GetRequiredService&lt;IHttpClientFactory&gt;().CreateClient("openhands")</c> (so the factory's
    /// handler rotation applies to this long-lived singleton); the workspace disposes none of them.
    /// <see langword="null"/> (the default): the workspace creates one client and the container disposes it with the workspace.
    /// </param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>A second call adds its configuration; the first registration of the workspace is kept.</remarks>
    public static IServiceCollection AddOpenHandsRemote(
        this IServiceCollection services, Action<RemoteWorkspaceOptions> configure, Func<IServiceProvider, HttpClient>? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RemoteWorkspaceOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RemoteWorkspaceOptions>, RemoteWorkspaceOptionsValidator>());
        services.TryAddSingleton(sp => new RemoteWorkspace(
            sp.GetRequiredService<IOptions<RemoteWorkspaceOptions>>().Value,
            httpClient is null ? null : () => httpClient(sp),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
