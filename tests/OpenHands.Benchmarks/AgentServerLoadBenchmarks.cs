using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.Benchmarks;

/// <summary>
/// Requests per second of the agent server under concurrent clients, each against a bare minimal Kestrel endpoint
/// measured in the same run: <c>GET /api/profiles</c> (20 encrypted profiles, one active) vs a bare GET returning the
/// same bytes, and <c>POST /api/conversations</c> with <c>{"llm_profile":…}</c> and no run vs a bare POST that reads
/// the same body and returns a response of the same size.
/// </summary>
/// <remarks>
/// Every invocation sends <see cref="Requests"/> requests from <see cref="Clients"/> concurrent loops over one shared
/// <see cref="HttpClient"/> (keep-alive, one connection per loop), so the reported time is per request and
/// 1 / mean is the throughput. Both servers and the clients share the machine's cores, in one process.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(Columns))]
public class AgentServerLoadBenchmarks
{
    /// <summary>Requests per benchmark invocation.</summary>
    public const int Requests = 2000;

    /// <summary>Concurrent client loops (and connections).</summary>
    public const int Clients = 32;

    private const string ActiveProfile = "claude-sonnet";

    private static readonly (string Name, string Model, string? BaseUrl)[] Profiles =
    [
        ("claude-sonnet", "anthropic/claude-sonnet-4-5", "https://llm-proxy.example.com/v1"),
        ("gpt-4o", "openai/gpt-4o", "https://llm-proxy.example.com/v1"),
        ("gpt-4o-mini", "openai/gpt-4o-mini", null),
        ("gemini-pro", "gemini/gemini-2.5-pro", null),
        ("local-qwen", "openai/qwen2.5-coder-32b", "http://10.0.0.12:8000/v1"),
        ("claude-haiku", "anthropic/claude-haiku-4-5", null),
        ("claude-opus", "anthropic/claude-opus-4-1", "https://llm-proxy.example.com/v1"),
        ("gpt-5", "openai/gpt-5", null),
        ("gpt-5-mini", "openai/gpt-5-mini", "https://llm-proxy.example.com/v1"),
        ("o4-mini", "openai/o4-mini", null),
        ("gemini-flash", "gemini/gemini-2.5-flash", null),
        ("mistral-large", "mistral/mistral-large-latest", null),
        ("codestral", "mistral/codestral-latest", "https://codestral.example.com/v1"),
        ("deepseek-chat", "deepseek/deepseek-chat", null),
        ("deepseek-coder", "openai/deepseek-coder-v2", "http://10.0.0.13:8000/v1"),
        ("llama-70b", "openai/llama-3.3-70b-instruct", "http://10.0.0.14:8000/v1"),
        ("groq-llama", "groq/llama-3.3-70b-versatile", null),
        ("gpt-4-1", "openai/gpt-4.1", null),
        ("claude-3-7", "anthropic/claude-3-7-sonnet-latest", "https://llm-proxy.example.com/v1"),
        ("openrouter-qwen", "openrouter/qwen/qwen3-coder", "https://openrouter.ai/api/v1"),
    ];

    private string _root = null!;
    private WebApplication _server = null!;
    private WebApplication _bare = null!;
    private HttpClient _http = null!;
    private Uri _profilesUrl = null!;
    private Uri _startUrl = null!;
    private Uri _bareGetUrl = null!;
    private Uri _barePostUrl = null!;
    private byte[] _startBody = null!;
    private byte[] _profilesResponse = null!;
    private byte[] _startResponse = null!;

    // BenchmarkDotNet's in-process toolchain does not await async setup methods: run it to completion here.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Deletes the conversations the last iteration started (through the server's conversation service, which removes
    /// their folders) and then their workspace folders (which the server keeps, as the Python agent-server does: they
    /// hold the agent's work), so every iteration starts conversations into the same empty folders and the server's
    /// table of live conversations does not grow by 2,000 per iteration. Left behind, the empty workspace folders
    /// (80,000 in one run) made the disk write 422 MB in a run of starts instead of 35 MB, and the rate then measured
    /// the disk's writeback of the harness's leftovers. It is a target of the bare POST too (with nothing to delete):
    /// an iteration cleanup makes BenchmarkDotNet run one invocation per iteration, and the ratio is only computed
    /// between benchmarks run with the same settings.
    /// </summary>
    [IterationCleanup(Targets = [nameof(StartConversation), nameof(BarePost)])]
    public void DeleteStartedConversations() => DeleteConversationsAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests, Description = "bare GET (same bytes)")]
    [BenchmarkCategory("server-get-profiles")]
    public Task<long> BareGet() => FireAsync(() => SendAsync(HttpMethod.Get, _bareGetUrl, body: null));

    [Benchmark(OperationsPerInvoke = Requests, Description = "GET /api/profiles")]
    [BenchmarkCategory("server-get-profiles")]
    public Task<long> GetProfiles() => FireAsync(() => SendAsync(HttpMethod.Get, _profilesUrl, body: null));

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests, Description = "bare POST (reads body)")]
    [BenchmarkCategory("server-start")]
    public Task<long> BarePost() => FireAsync(() => SendAsync(HttpMethod.Post, _barePostUrl, _startBody));

    [Benchmark(OperationsPerInvoke = Requests, Description = "POST /api/conversations (no run)")]
    [BenchmarkCategory("server-start")]
    public Task<long> StartConversation() => FireAsync(() => SendAsync(HttpMethod.Post, _startUrl, _startBody));

    private async Task SetupAsync()
    {
        _root = BenchProfile.NewFolder("server-load");
        _server = await StartServerAsync(_root);
        await SaveProfilesAsync(_server.Services);
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = Clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

        var serverUrl = new Uri(Address(_server));
        _profilesUrl = new Uri(serverUrl, "/api/profiles");
        _startUrl = new Uri(serverUrl, "/api/conversations");
        _startBody = Encoding.UTF8.GetBytes($$"""{"llm_profile":"{{ActiveProfile}}"}""");

        // The bare endpoints answer with bodies of the same size as the real ones, captured here.
        _profilesResponse = await ReadAsync(HttpMethod.Get, _profilesUrl, body: null);
        using (var profiles = JsonDocument.Parse(_profilesResponse))
        {
            var root = profiles.RootElement;
            if (root.GetProperty("profiles").GetArrayLength() != Profiles.Length || root.GetProperty("active_profile").GetString() != ActiveProfile)
            {
                throw new InvalidOperationException("GET /api/profiles does not list the benchmark's profiles: " + Encoding.UTF8.GetString(_profilesResponse));
            }
        }

        _startResponse = await ReadAsync(HttpMethod.Post, _startUrl, _startBody);
        using (var started = JsonDocument.Parse(_startResponse))
        {
            if (started.RootElement.GetProperty("llm_profile").GetString() != ActiveProfile)
            {
                throw new InvalidOperationException("POST /api/conversations did not start on the profile: " + Encoding.UTF8.GetString(_startResponse));
            }
        }

        await DeleteConversationsAsync();
        Console.WriteLine($"// GET /api/profiles answers {_profilesResponse.Length} B; POST /api/conversations answers {_startResponse.Length} B.");
        _bare = await StartBareAsync(_profilesResponse, _startResponse);
        var bareUrl = new Uri(Address(_bare));
        _bareGetUrl = new Uri(bareUrl, "/bare/profiles");
        _barePostUrl = new Uri(bareUrl, "/bare/conversations");
        if (!(await ReadAsync(HttpMethod.Get, _bareGetUrl, body: null)).AsSpan().SequenceEqual(_profilesResponse)
            || (await ReadAsync(HttpMethod.Post, _barePostUrl, _startBody)).Length != _startResponse.Length)
        {
            throw new InvalidOperationException("The bare endpoints do not answer like the server.");
        }
    }

    private async Task CleanupAsync()
    {
        _http.Dispose();
        await _bare.StopAsync();
        await _bare.DisposeAsync();
        await _server.StopAsync();
        await _server.DisposeAsync();
        BenchProfile.DeleteFolder(_root);
    }

    private static Task<WebApplication> StartServerAsync(string root) => BenchServer.StartAsync(root);

    /// <summary>The floor: a slim Kestrel app with one GET and one POST that answer with constant bytes.</summary>
    private static async Task<WebApplication> StartBareAsync(byte[] getResponse, byte[] postResponse)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/bare/profiles", () => Results.Bytes(getResponse, "application/json"));
        app.MapPost("/bare/conversations", async (HttpContext http) =>
        {
            var buffer = new byte[1024];
            while (await http.Request.Body.ReadAsync(buffer, http.RequestAborted) > 0)
            {
            }

            http.Response.StatusCode = StatusCodes.Status201Created;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = postResponse.Length;
            await http.Response.Body.WriteAsync(postResponse, http.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private static async Task SaveProfilesAsync(IServiceProvider services)
    {
        var store = services.GetRequiredService<ILlmProfileStore>();
        foreach (var (name, model, baseUrl) in Profiles)
        {
            var llm = BenchProfile.Create() with
            {
                Model = model,
                BaseUrl = baseUrl,
                ApiKey = new SecretString($"sk-test-load-{name}"),
            };
            await store.SaveAsync(ProfileName.Create(name), llm);
        }

        await services.GetRequiredService<ISettingsStore>().ActivateProfileAsync(ProfileName.Create(ActiveProfile));

        // Profiles are written long before most listings. The stores only reuse what they read from a file whose
        // times are a few seconds old (a just-written file may change again within the file system's time
        // granularity), so let that pass here rather than in the first measured iterations.
        await Task.Delay(FileStamp.RacyWindow + TimeSpan.FromSeconds(1));
    }

    private static string Address(WebApplication app) => BenchServer.Address(app);

    private async Task DeleteConversationsAsync()
    {
        var conversations = _server.Services.GetRequiredService<ConversationService>();
        var workspaces = Path.Combine(_root, "workspaces") + Path.DirectorySeparatorChar;
        foreach (var entry in await conversations.AllAsync(CancellationToken.None))
        {
            var workspace = entry.Conversation.State.WorkingDirectory;
            await conversations.DeleteAsync(entry.Conversation.Id);
            if (workspace.StartsWith(workspaces, StringComparison.Ordinal))
            {
                Directory.Delete(workspace, recursive: true);
            }
        }
    }

    /// <summary>Sends <see cref="Requests"/> requests from <see cref="Clients"/> concurrent loops; returns the bytes received.</summary>
    private static async Task<long> FireAsync(Func<Task<int>> send)
    {
        var next = 0;
        var loops = new Task<long>[Clients];
        for (var c = 0; c < Clients; c++)
        {
            loops[c] = Task.Run(async () =>
            {
                long received = 0;
                while (Interlocked.Increment(ref next) <= Requests)
                {
                    received += await send();
                }

                return received;
            });
        }

        long total = 0;
        foreach (var received in await Task.WhenAll(loops))
        {
            total += received;
        }

        return total;
    }

    private async Task<int> SendAsync(HttpMethod method, Uri url, byte[]? body) => (await ReadAsync(method, url, body)).Length;

    private async Task<byte[]> ReadAsync(HttpMethod method, Uri url, byte[]? body)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        // A failing request must not count as throughput.
        return response.IsSuccessStatusCode ? bytes
            : throw new InvalidOperationException($"{method} {url.AbsolutePath}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new RequestsPerSecondColumn());
    }
}
