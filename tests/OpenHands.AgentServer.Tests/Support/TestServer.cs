using System.Text;
using System.Text.Json.Nodes;
using OpenHands.AgentServer;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>The real agent server (<see cref="AgentServerHost"/>) with an <see cref="HttpClient"/> and request helpers.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly AgentServerHost _host;

    private TestServer(AgentServerHost host, string persistenceDir)
    {
        _host = host;
        BaseUrl = host.BaseAddress.ToString().TrimEnd('/');
        PersistenceDirectory = persistenceDir;
        Client = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public string BaseUrl { get; }

    public string PersistenceDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<TestServer> StartAsync(string persistenceDir, Action<AgentServerOptions>? configure = null) =>
        new(await AgentServerHost.StartAsync(persistenceDir, configure), persistenceDir);

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
        await _host.DisposeAsync();
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
