using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.AgentServer;

namespace OpenHands.Testing;

/// <summary>
/// The real agent server on Kestrel, 127.0.0.1, a free port, its state in a temp folder. One source file compiled into
/// each test project that hosts the server (linked from <c>tests/Shared</c>), so the SDK tests need no ASP.NET reference.
/// </summary>
public sealed class AgentServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AgentServerHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="persistenceDir">Profiles, settings and conversations go below it.</param>
    /// <param name="configure">Changes the server options (session keys, limits).</param>
    /// <param name="middleware">Runs before the server's endpoints, for fault injection on the websocket.</param>
    /// <param name="services">Runs after the server's registrations, to decorate a service (race tests observe the profile store).</param>
    public static async Task<AgentServerHost> StartAsync(
        string persistenceDir, Action<AgentServerOptions>? configure = null, Action<WebApplication>? middleware = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenHandsAgentServer(o =>
        {
            o.SessionApiKeys.Clear();
            o.SecretKey = null;
            o.PersistenceDirectory = persistenceDir;
            o.ConversationsPath = Path.Combine(persistenceDir, "conversations");
            configure?.Invoke(o);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        middleware?.Invoke(app);
        app.MapOpenHandsAgentServer();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AgentServerHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
