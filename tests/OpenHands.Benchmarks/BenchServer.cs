using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenHands.Benchmarks;

/// <summary>The real agent server as the benchmarks host it: as a user would, on loopback, with no logging providers.</summary>
internal static class BenchServer
{
    /// <summary>
    /// Starts the server with its persistence (and conversations) in <paramref name="root"/>, profiles encrypted; with
    /// <paramref name="databaseUrl"/>, every store is in that PostgreSQL database instead.
    /// </summary>
    public static async Task<WebApplication> StartAsync(string root, string? databaseUrl = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenHandsAgentServer(o =>
        {
            o.SessionApiKeys.Clear();
            o.SecretKey = BenchProfile.SecretKey;
            o.PersistenceDirectory = root;
            o.ConversationsPath = Path.Combine(root, "conversations");
            o.DatabaseUrl = databaseUrl;
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapOpenHandsAgentServer();
        await app.StartAsync();
        return app;
    }

    /// <summary>The address a started app listens on.</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
