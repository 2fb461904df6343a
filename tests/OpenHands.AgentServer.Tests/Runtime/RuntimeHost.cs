using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.AgentServer.Tests.Support;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// The real server built the way the host's Program.cs (src/OpenHands.AgentServer.Host) builds it, with a configuration
/// of the test's own (the <c>AgentServer</c> section and the Python agent-server's variable names, as the environment
/// would give them) and every log line collected. Nothing is configured in code unless the test says so.
/// </summary>
internal sealed class RuntimeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RuntimeHost(WebApplication app, CollectingLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public HttpClient Client { get; }

    public CollectingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static WebApplication Build(
        IDictionary<string, string?> configuration, CollectingLoggerProvider logs, Action<AgentServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddOpenHandsAgentServer(configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapOpenHandsAgentServer();
        return app;
    }

    public static async Task<RuntimeHost> StartAsync(
        IDictionary<string, string?> configuration, Action<AgentServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var logs = new CollectingLoggerProvider();
        var app = Build(configuration, logs, configure, services);
        await app.StartAsync();
        return new RuntimeHost(app, logs);
    }

    public async Task<JsonNode> JsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.JsonAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
