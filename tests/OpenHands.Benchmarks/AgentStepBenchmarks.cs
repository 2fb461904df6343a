using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;
using OpenHands.Testing;

namespace OpenHands.Benchmarks;

/// <summary>
/// One agent step (a user message, one LLM call to the loopback fake server, the reply turned into events) vs a bare
/// <see cref="HttpClient"/> POST of the same request body to the same server, measured in the same run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AgentStepBenchmarks
{
    private FakeLlmServer _server = null!;
    private HttpClient _http = null!;
    private Llm _llm = null!;
    private ConversationOptions _options = null!;
    private ConversationFactory _factory = null!;
    private byte[] _requestBody = null!;
    private string _url = null!;

    // BenchmarkDotNet's in-process toolchain does not await async setup methods: run it to completion here.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = await FakeLlmServer.StartNewAsync();
        _server.Responder = _ => FakeReply.Text("Done: the answer is 42.").WithUsage(1200, 20);
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _llm = new Llm("openai/gpt-bench") { ApiKey = new SecretString("sk-test-bench-step-one"), BaseUrl = _server.BaseUrl + "/v1", NumRetries = 1 };
        _options = new ConversationOptions { WorkingDirectory = Path.GetTempPath() };
        _factory = new ConversationFactory(new ConversationFactoryOptions { ChatClientFactory = new LlmChatClientFactory(_http).CreateClient });

        // Capture the exact request one step sends, for the floor.
        await StepAsync();
        var recorded = _server.Requests[^1];
        _requestBody = Encoding.UTF8.GetBytes(recorded.BodyText);
        _url = _server.BaseUrl + recorded.Path;
    }

    private async Task CleanupAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "floor: HttpClient POST of the same request")]
    [BenchmarkCategory("Step")]
    public async Task<int> BarePost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(_requestBody) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test-bench-step-one");
        using var response = await _http.SendAsync(request);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    [Benchmark(Description = "part: create conversation + message, no LLM call")]
    [BenchmarkCategory("Step")]
    public async Task<int> CreateOnlyAsync()
    {
        await using var conversation = await _factory.StartAsync(new Agent(_llm), _options);
        await conversation.SendMessageAsync("What is six times seven?");
        return conversation.Events.Count;
    }

    [Benchmark(Description = "agent step: message + LLM call + events")]
    [BenchmarkCategory("Step")]
    public async Task<int> StepAsync()
    {
        await using var conversation = await _factory.StartAsync(new Agent(_llm), _options);
        await conversation.SendMessageAsync("What is six times seven?");
        await conversation.RunAsync();
        return conversation.Events.Count;
    }
}
