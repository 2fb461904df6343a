using System.Net;
using System.Text;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>The scripted server itself: the behaviours conversation tests will rely on.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class FakeLlmServerTests
{
    private static readonly HttpClient Http = new();

    [Test]
    public async Task Post_EmptyQueueWithoutResponder_Answers500NamingTheRequest()
    {
        await using var server = await FakeLlmServer.StartNewAsync();

        using var response = await PostAsync(server, "/v1/chat/completions", """{"model":"m","messages":[]}""");

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Contain("no scripted reply for request #1 POST /v1/chat/completions");
        server.Requests.Should().ContainSingle().Which.Model.Should().Be("m");
    }

    [Test]
    public async Task Post_StreamingChatCompletions_SendsChunksThenUsageThenDone()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("Hello streaming world"));

        using var response = await PostAsync(server, "/v1/chat/completions", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""");
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        events.Should().AllSatisfy(e => e.Should().StartWith("data: "));
        events[^1].Should().Be("data: [DONE]");
        events[^2].Should().Contain("\"usage\":").And.Contain("\"choices\":[]");
        events.Where(e => e.Contains("\"content\":\"", StringComparison.Ordinal) && !e.Contains("\"content\":\"\"", StringComparison.Ordinal))
            .Should().HaveCount(3, "one chunk per word");
        events.Should().AllSatisfy(e => e.Should().Match(x => x == "data: [DONE]" || x.Contains("chat.completion.chunk")));
    }

    [Test]
    public async Task Post_StreamingMessages_SendsAnthropicEventsInOrder()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.ToolCall("terminal", """{"command": "ls"}""").WithText("Hi there"));

        using var response = await PostAsync(server, "/v1/messages", """{"model":"m","stream":true}""");
        var names = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n')[0]["event: ".Length..]).ToList();

        names.Should().Equal(
            "message_start", "ping",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop");
    }

    [Test]
    public async Task Post_Hang_NeverAnswersUntilTheClientGoesAway()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Hang());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var act = () => Http.PostAsync(server.BaseUrl + "/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"), cts.Token);

        await act.Should().ThrowAsync<TaskCanceledException>();
    }

    [Test]
    public async Task Post_UnknownPath_Answers404AndKeepsTheQueue()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("kept"));

        using var response = await PostAsync(server, "/v1/embeddings", "{}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        server.PendingReplyCount.Should().Be(1);
        server.Requests.Single().Path.Should().Be("/v1/embeddings");
    }

    [Test]
    public async Task Post_QueueThenResponder_AnswersInOrderAndRecordsEverything()
    {
        await using var server = await FakeLlmServer.StartNewAsync();
        server.Enqueue(FakeReply.Text("first"));
        server.Responder = request => FakeReply.Text($"dynamic #{request.Index}");

        using var first = await PostAsync(server, "/chat/completions", """{"model":"a"}""", ("X-Probe", "1"));
        using var second = await PostAsync(server, "/v1/messages", """{"model":"b"}""");

        (await first.Content.ReadAsStringAsync()).Should().Contain("\"content\":\"first\"");
        (await second.Content.ReadAsStringAsync()).Should().Contain("\"text\":\"dynamic #2\"").And.Contain("\"type\":\"message\"");
        server.Requests[0].Header("x-probe").Should().Be("1");
        server.Requests[0].Body!.RootElement.GetProperty("model").GetString().Should().Be("a");
        server.Requests[1].IsAnthropic.Should().BeTrue();
    }

    [Test]
    public async Task BaseUrl_BeforeStart_Throws()
    {
        await using var server = new FakeLlmServer();

        FluentActions.Invoking(() => server.BaseUrl).Should().Throw<InvalidOperationException>().WithMessage("*StartAsync*");
    }

    private static async Task<HttpResponseMessage> PostAsync(FakeLlmServer server, string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await Http.SendAsync(request);
    }
}
