using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.AgentServer;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>The real agent server on Kestrel, 127.0.0.1, a free port, state in a temp folder.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string baseUrl, string persistenceDir)
    {
        _app = app;
        BaseUrl = baseUrl;
        PersistenceDirectory = persistenceDir;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }

    public string PersistenceDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(string persistenceDir, Action<AgentServerOptions>? configure = null)
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
        var app = builder.Build();
        app.MapOpenHandsAgentServer();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, address, persistenceDir);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Get, path, null, headers);

    public Task<HttpResponseMessage> PostAsync(string path, string? json = "{}", params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Post, path, json, headers);

    public Task<HttpResponseMessage> PatchAsync(string path, string json, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Patch, path, json, headers);

    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class ResponseExtensions
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("null body");
    }

    public static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
