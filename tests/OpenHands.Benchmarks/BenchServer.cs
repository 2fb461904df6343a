using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
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

    /// <summary>A bare Kestrel endpoint, <c>GET /bare</c>, answering <paramref name="body"/>: the floor of a page, and a client's warm-up.</summary>
    public static async Task<WebApplication> StartBareAsync(byte[] body)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/bare", () => Results.Bytes(body, "application/json"));
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// A client whose own first request is done (against a bare endpoint of this process), so that timing a fresh
    /// server's first request times the server, not the client's cold start.
    /// </summary>
    public static async Task<HttpClient> WarmClientAsync()
    {
        var http = new HttpClient();
        await using var bare = await StartBareAsync("{}"u8.ToArray());
        for (var i = 0; i < 3; i++)
        {
            _ = await TimeGetAsync(http, Address(bare) + "/bare");
        }

        await bare.StopAsync();
        return http;
    }

    /// <summary>The time of one <c>GET</c>, the whole answer read, in ms; throws unless it succeeded.</summary>
    public static async Task<double> TimeGetAsync(HttpClient http, string url)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(url);
        _ = await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
