using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Testing;

namespace OpenHands.Benchmarks;

/// <summary>
/// Conversation starts per second (<c>POST /api/conversations</c> with <c>{"llm_profile":…}</c>, no run) on PostgreSQL:
/// <see cref="Clients"/> concurrent clients against one agent server, against three servers on the same database
/// (clients spread round-robin), in the same run. Needs a cluster in <c>OPENHANDS_TEST_POSTGRES</c>
/// (<c>source .ci/postgres.sh &amp;&amp; start_test_postgres</c>); without one the setup stops with that message and
/// BenchmarkDotNet skips the class.
/// </summary>
/// <remarks>
/// All servers, the clients and PostgreSQL share this machine's cores, so the ratio says what a second and third
/// instance cost or gain when they compete for the same CPUs and database, not what three machines would give.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class ScaleOutStartBenchmarks
{
    /// <summary>Starts per benchmark invocation.</summary>
    public const int Requests = 600;

    /// <summary>Concurrent client loops (and connections).</summary>
    public const int Clients = 24;

    private const string Profile = "scale-out";

    private readonly List<WebApplication> _servers = [];
    private readonly List<string> _folders = [];
    private TestDatabase? _database;
    private HttpClient _http = null!;
    private Uri[] _startUrls = null!;
    private byte[] _startBody = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>Deletes the conversations the last iteration started, so every iteration starts into the same empty tables.</summary>
    [IterationCleanup]
    public void DeleteStartedConversations() => DeleteConversationsAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests, Description = "starts, 1 instance")]
    public Task OneInstance() => FireAsync(1);

    [Benchmark(OperationsPerInvoke = Requests, Description = "starts, 3 instances")]
    public Task ThreeInstances() => FireAsync(3);

    private async Task SetupAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestDatabase.Variable)))
        {
            throw new InvalidOperationException(
                $"{TestDatabase.Variable} is not set: the scale-out starts benchmark is skipped. Start a cluster with `source .ci/postgres.sh && start_test_postgres`.");
        }

        _database = await TestDatabase.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            var folder = BenchProfile.NewFolder($"scale-out-{i}");
            _folders.Add(folder);
            _servers.Add(await BenchServer.StartAsync(folder, _database.Url));
        }

        var first = _servers[0].Services;
        await first.GetRequiredService<ILlmProfileStore>().SaveAsync(
            ProfileName.Create(Profile), BenchProfile.Create() with { ApiKey = new SecretString("sk-test-scale-out") });
        await first.GetRequiredService<ISettingsStore>().ActivateProfileAsync(ProfileName.Create(Profile));
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
        _startUrls = [.. _servers.Select(s => new Uri(new Uri(BenchServer.Address(s)), "/api/conversations"))];
        _startBody = Encoding.UTF8.GetBytes($$"""{"llm_profile":"{{Profile}}"}""");
        foreach (var url in _startUrls)
        {
            await StartAsync(url);   // every instance answers before anything is measured
        }

        await DeleteConversationsAsync();
    }

    private async Task CleanupAsync()
    {
        _http.Dispose();
        foreach (var server in _servers)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task DeleteConversationsAsync()
    {
        foreach (var server in _servers)
        {
            var conversations = server.Services.GetRequiredService<ConversationService>();
            foreach (var entry in await conversations.AllAsync(CancellationToken.None))
            {
                await conversations.DeleteAsync(entry.Conversation.Id);
            }
        }
    }

    /// <summary>Sends <see cref="Requests"/> starts from <see cref="Clients"/> loops; loop <c>c</c> talks to instance <c>c % instances</c>.</summary>
    private async Task FireAsync(int instances)
    {
        var next = 0;
        var loops = new Task[Clients];
        for (var c = 0; c < Clients; c++)
        {
            var url = _startUrls[c % instances];
            loops[c] = Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= Requests)
                {
                    await StartAsync(url);
                }
            });
        }

        await Task.WhenAll(loops);
    }

    private async Task StartAsync(Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(_startBody) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");   // a failure is no throughput
        }
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new RequestsPerSecondColumn());
    }
}
