using Microsoft.Extensions.Logging;
using OpenHands.AgentServer;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Support;

/// <summary>
/// Per test: a temp folder, the real agent server on 127.0.0.1, a workspace whose HTTP client records every request
/// and can inject faults in front of the server, and a log collector. Waits are shortened so retries take milliseconds.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public abstract class RemoteTestBase
{
    protected const string ModelA = "openai/fake-model-a";
    protected const string ModelB = "openai/fake-model-b";

    private readonly List<IAsyncDisposable> _disposables = [];
    private FakeLlmServer? _llm;

    protected TempDirectory Dir { get; private set; } = null!;

    protected AgentServerHost Server { get; private set; } = null!;

    protected RecordingHandler Recorder { get; private set; } = null!;

    protected FaultInjectingHandler Faults { get; private set; } = null!;

    protected CollectingLoggerProvider Logs { get; private set; } = null!;

    protected ILoggerFactory LoggerFactory { get; private set; } = null!;

    protected RemoteWorkspace Workspace { get; private set; } = null!;

    /// <summary>The fake LLM provider, started on first use.</summary>
    protected FakeLlmServer FakeLlm => _llm ?? throw new InvalidOperationException("Call StartFakeLlmAsync first.");

    /// <summary>Session keys of the server; none by default (an open server).</summary>
    protected virtual IReadOnlyList<string> ServerSessionKeys => [];

    /// <summary>The key the default workspace sends.</summary>
    protected virtual string? ClientSessionKey => null;

    protected virtual void ConfigureServer(AgentServerOptions options)
    {
    }

    protected virtual Action<Microsoft.AspNetCore.Builder.WebApplication>? ServerMiddleware => null;

    [SetUp]
    public async Task SetUpRemoteAsync()
    {
        Dir = TempDirectory.Create();
        Server = await AgentServerHost.StartAsync(Dir.Path, o =>
        {
            foreach (var key in ServerSessionKeys)
            {
                o.SessionApiKeys.Add(key);
            }

            ConfigureServer(o);
        }, ServerMiddleware);
        Logs = new CollectingLoggerProvider();
        LoggerFactory = Logs.CreateFactory();
        Workspace = CreateWorkspace(ClientSessionKey);
    }

    [TearDown]
    public async Task TearDownRemoteAsync()
    {
        Workspace.Dispose();
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        if (_llm is not null)
        {
            await _llm.DisposeAsync();
        }

        await Server.DisposeAsync();
        LoggerFactory.Dispose();
        Dir.Dispose();
    }

    /// <summary>A workspace with its own recording + fault-injecting HTTP client (the latest one is in <see cref="Recorder"/>/<see cref="Faults"/>).</summary>
    protected RemoteWorkspace CreateWorkspace(string? sessionKey, Action<RemoteWorkspaceOptions>? configure = null, TimeProvider? time = null)
    {
        Faults = new FaultInjectingHandler { InnerHandler = new SocketsHttpHandler() };
        Recorder = new RecordingHandler { InnerHandler = Faults };
        var http = new HttpClient(Recorder) { Timeout = Timeout.InfiniteTimeSpan };
        _disposables.Add(new DisposeAction(http.Dispose));
        var options = new RemoteWorkspaceOptions
        {
            BaseAddress = Server.BaseAddress,
            SessionApiKey = SecretString.FromNullable(sessionKey),
            RetryDelay = TimeSpan.FromMilliseconds(10),
            AttemptTimeout = TimeSpan.FromSeconds(20),
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            StatusPollInterval = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return new RemoteWorkspace(options, http, LoggerFactory, time);
    }

    protected async Task<FakeLlmServer> StartFakeLlmAsync()
    {
        _llm ??= await FakeLlmServer.StartNewAsync();
        return _llm;
    }

    /// <summary>An LLM pointing at the fake provider (one attempt per call, so failures are quick).</summary>
    protected Llm FakeLlmConfig(string model = ModelA, string? apiKey = "sk-test-remote-1") => new(model)
    {
        BaseUrl = FakeLlm.BaseUrl + "/v1",
        ApiKey = SecretString.FromNullable(apiKey),
        NumRetries = 1,
    };

    protected IEnumerable<SentRequest> Sent(string method, string pathSuffix) =>
        Recorder.Requests.Where(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
