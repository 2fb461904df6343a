using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenHands.Testing.McpServer;

/// <summary>The test MCP server over Streamable HTTP on 127.0.0.1 (a free port), recording the headers it receives.</summary>
public sealed class McpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private McpTestServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Gets the MCP endpoint, such as <c>http://127.0.0.1:41234/mcp</c>.</summary>
    public Uri Url { get; }

    /// <summary>Gets every request header value received, by header name.</summary>
    public ConcurrentBag<(string Name, string Value)> Headers { get; } = [];

    /// <summary>Gets the path of the stdio server's assembly (run it with <c>dotnet</c>).</summary>
    public static string StdioAssemblyPath => typeof(TestTools).Assembly.Location;

    /// <summary>Starts the HTTP server.</summary>
    public static async Task<McpTestServer> StartHttpAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddMcpServer().WithHttpTransport().WithTools([typeof(TestTools)]);
        var app = builder.Build();
        McpTestServer? server = null;
        app.Use(async (context, next) =>
        {
            foreach (var (name, value) in context.Request.Headers)
            {
                server?.Headers.Add((name, value.ToString()));
            }

            await next(context);
        });
        app.MapMcp("/mcp");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new McpTestServer(app, new Uri(address.TrimEnd('/') + "/mcp"));
        return server;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
