using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// One fake provider on loopback, a factory over a real HttpClient, a fake clock and a log collector: what every
/// client test needs. Waits take no real time (the clock fires timers at once) unless <c>manualClock</c> is set.
/// </summary>
internal sealed class LlmClientHarness : IAsyncDisposable
{
    public const string Key = "sk-test-llm-4f7c1d2e9a";

    private LlmClientHarness(FakeLlmServer server, FakeTimeProvider time, HttpClient http)
    {
        Server = server;
        Time = time;
        Http = http;
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Factory = new LlmChatClientFactory(http, null, time, LoggerFactory);
    }

    public FakeLlmServer Server { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    public ILoggerFactory LoggerFactory { get; }

    public LlmChatClientFactory Factory { get; }

    public static async Task<LlmClientHarness> StartAsync(bool manualClock = false, TimeSpan? httpTimeout = null)
    {
        var server = await FakeLlmServer.StartNewAsync();
        var http = new HttpClient { Timeout = httpTimeout ?? Timeout.InfiniteTimeSpan };
        return new LlmClientHarness(server, new FakeTimeProvider { AutoAdvance = !manualClock }, http);
    }

    /// <summary>An LLM pointed at the fake server: one attempt, no timeout, no waits, unless the test says otherwise.</summary>
    public Llm Llm(string model = "openai/gpt-4o", string? baseUrlSuffix = "/v1") => new(model)
    {
        ApiKey = new SecretString(Key),
        BaseUrl = Server.BaseUrl + baseUrlSuffix,
        NumRetries = 1,
        Timeout = null,
        RetryMinWait = 0,
        RetryMultiplier = 0,
    };

    public IChatClient Client(Llm llm) => Factory.CreateClient(llm);

    public async Task<ChatResponse> AskAsync(Llm llm, string text = "Hello", ChatOptions? options = null) =>
        await Client(llm).GetResponseAsync([new ChatMessage(ChatRole.User, text)], options);

    /// <summary>The body of the n-th request (1-based).</summary>
    public JsonElement Body(int index = 1) => Server.Requests[index - 1].Body!.RootElement;

    public async ValueTask DisposeAsync()
    {
        LoggerFactory.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
