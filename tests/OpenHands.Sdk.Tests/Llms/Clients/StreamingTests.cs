using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Llms;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Llms.Clients;

/// <summary>
/// Streaming on the wire (server-sent events) for both formats: deltas arrive one by one, and the assembled reply is the
/// one the same answer gives without streaming (issue 14, item 1).
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Llm")]
public sealed class StreamingTests
{
    private const string OpenAi = "openai/gpt-4o";
    private const string Claude = "anthropic/claude-sonnet-4-5";

    private static Llm LlmFor(LlmClientHarness h, string model) => model.StartsWith("anthropic/", StringComparison.Ordinal)
        ? h.Llm(model, baseUrlSuffix: null)
        : h.Llm(model);

    private static FakeReply Answer() =>
        FakeReply.ToolCalls(new FakeToolCall("terminal", """{"command": "ls -la", "summary": "list files"}""", "call_a1"),
                new FakeToolCall("finish", """{"message": "Listed."}""", "call_a2"))
            .WithText("Let me look at the folder first.")
            .WithReasoning("The user wants a listing.")
            .WithUsage(120, 30, cachedTokens: 20);

    [TestCase(OpenAi)]
    [TestCase(Claude)]
    public async Task GetStreamingResponseAsync_TextToolCallsAndReasoning_AssembleToTheNonStreamedReply(string model)
    {
        await using var streamed = await LlmClientHarness.StartAsync();
        await using var whole = await LlmClientHarness.StartAsync();
        streamed.Server.Enqueue(Answer());
        whole.Server.Enqueue(Answer());
        var tools = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("terminal", "Runs a command.", JsonDocument.Parse("{}").RootElement)] };

        var updates = await streamed.Client(LlmFor(streamed, model)).GetStreamingResponseAsync([new(ChatRole.User, "List files")], tools).ToListAsync();
        var expected = await whole.Client(LlmFor(whole, model)).GetResponseAsync([new(ChatRole.User, "List files")], tools);

        var textDeltas = updates.SelectMany(u => u.Contents).OfType<TextContent>().ToList();
        textDeltas.Should().HaveCountGreaterThanOrEqualTo(2, "text arrives a piece at a time");
        updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Should().HaveCountGreaterThanOrEqualTo(2);
        var response = updates.ToChatResponse();
        Describe(response).Should().Be(Describe(expected));
        response.AdditionalProperties.Should().ContainKey(LlmChatProperties.Latency);
        streamed.Server.Requests.Single().Body!.RootElement.GetProperty("stream").GetBoolean().Should().BeTrue();
    }

    [Test]
    public async Task GetStreamingResponseAsync_ChatCompletions_AsksForStreamAndUsageAndSendsTheSameBodyOtherwise()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("One two."), FakeReply.Text("One two."));
        var client = h.Client(h.Llm());

        await client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync();
        await client.GetResponseAsync([new(ChatRole.User, "Hi")]);

        var streamedBody = h.Body(1);
        streamedBody.GetProperty("stream_options").GetRawText().Should().Be("""{"include_usage":true}""");
        var rest = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(streamedBody.GetRawText())!;
        rest.Remove("stream").Should().BeTrue();
        rest.Remove("stream_options");
        JsonSerializer.Serialize(rest).Should().Be(JsonSerializer.Serialize(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(h.Body(2).GetRawText())));
    }

    [Test]
    public async Task GetStreamingResponseAsync_Anthropic_AsksForStreamWithoutStreamOptions()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("One two."));

        await h.Client(LlmFor(h, Claude)).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync();

        h.Body().GetProperty("stream").GetBoolean().Should().BeTrue();
        h.Body().TryGetProperty("stream_options", out _).Should().BeFalse();
    }

    [TestCase(OpenAi)]
    [TestCase(Claude)]
    public async Task GetStreamingResponseAsync_DeltasBeforeTheRest_ArriveWhileTheReplyIsStillOpen(string model)
    {
        await using var h = await LlmClientHarness.StartAsync();
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Server.Enqueue(FakeReply.Text("First words, then more.").WithPauseAfterChunks(2, rest.Task));

        await using var updates = h.Client(LlmFor(h, model)).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).GetAsyncEnumerator();
        var early = new List<string>();
        while (early.Count < 2 && await updates.MoveNextAsync())
        {
            early.AddRange(updates.Current.Contents.OfType<TextContent>().Select(t => t.Text));
        }

        early.Should().Equal("First ", "words, ");
        rest.SetResult();
        var all = new List<ChatResponseUpdate>();
        while (await updates.MoveNextAsync())
        {
            all.Add(updates.Current);
        }

        string.Concat(all.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text)).Should().Be("then more.");
    }

    [TestCase(OpenAi)]
    [TestCase(Claude)]
    public async Task GetStreamingResponseAsync_RateLimitedThenStreamed_RetriesBeforeTheReplyStarts(string model)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Error(429, """{"error": {"message": "slow down"}}"""), FakeReply.Text("Hello there."));

        var updates = await h.Client(LlmFor(h, model) with { NumRetries = 2 }).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync();

        updates.ToChatResponse().Text.Should().Be("Hello there.");
        h.Server.Requests.Should().HaveCount(2);
    }

    [TestCase(OpenAi)]
    [TestCase(Claude)]
    public async Task GetStreamingResponseAsync_EmptyStreamThenText_RetriesTheEmptyReplyAtTemperatureOne(string model)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Empty(), FakeReply.Text("Now an answer."));

        var updates = await h.Client(LlmFor(h, model) with { NumRetries = 2, Temperature = 0 }).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync();

        updates.ToChatResponse().Text.Should().Be("Now an answer.");
        h.Body(2).GetProperty("temperature").GetDouble().Should().Be(1.0);
    }

    [Test]
    public async Task GetStreamingResponseAsync_EmptyStreamEveryTime_ThrowsNoResponse()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Empty());

        var act = () => h.Client(h.Llm()).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync().AsTask();

        await act.Should().ThrowAsync<LlmNoResponseException>().WithMessage("*stream ended without text or tool calls*");
    }

    [Test]
    public async Task GetStreamingResponseAsync_AnthropicErrorEvent_ThrowsTheTypedExceptionWithoutTheKey()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Raw(200, "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded " + LlmClientHarness.Key + "\"}}\n\n"));

        var act = () => h.Client(LlmFor(h, Claude)).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync().AsTask();

        var thrown = await act.Should().ThrowAsync<LlmServiceUnavailableException>().WithMessage("*streamed reply*Overloaded*");
        thrown.Which.Message.Should().NotContain(LlmClientHarness.Key);
    }

    [Test]
    public async Task GetStreamingResponseAsync_ErrorLineAfterText_ThrowsRateLimitAfterTheFirstDeltas()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Raw(200,
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n" +
            "data: {\"error\": {\"message\": \"rate_limit reached\", \"type\": \"rate_limit_error\"}}\n\n"));
        var seen = new List<string>();

        var act = async () =>
        {
            await foreach (var update in h.Client(h.Llm() with { NumRetries = 3 }).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]))
            {
                seen.AddRange(update.Contents.OfType<TextContent>().Select(t => t.Text));
            }
        };

        await act.Should().ThrowAsync<LlmRateLimitException>();
        seen.Should().Equal("Hel");
        h.Server.Requests.Should().HaveCount(1, "a reply that has started is not retried");
    }

    [Test]
    public async Task GetStreamingResponseAsync_StalledStream_TimesOutAfterLlmTimeoutWithoutData()
    {
        await using var h = await LlmClientHarness.StartAsync(manualClock: true);
        h.Server.Enqueue(FakeReply.Text("Some words and then nothing.").WithPauseAfterChunks(2, new TaskCompletionSource().Task));

        await using var updates = h.Client(h.Llm() with { Timeout = 30 }).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).GetAsyncEnumerator();
        (await updates.MoveNextAsync()).Should().BeTrue();
        (await updates.MoveNextAsync()).Should().BeTrue();
        var next = updates.MoveNextAsync().AsTask();
        h.Time.Advance(TimeSpan.FromSeconds(31));

        var act = () => next;
        await act.Should().ThrowAsync<LlmTimeoutException>().WithMessage("*no data for 30 s*");
    }

    [Test]
    public async Task GetStreamingResponseAsync_Cancelled_StopsTheStreamWithCancellation()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Text("Words then a very long pause.").WithPauseAfterChunks(1, new TaskCompletionSource().Task));
        using var cts = new CancellationTokenSource();

        var act = async () =>
        {
            await foreach (var _ in h.Client(h.Llm()).GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task GetStreamingResponseAsync_ServerIgnoresStream_TheWholeJsonReplyIsYieldedAsUpdates()
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Raw(200, """
            {"id": "chatcmpl-whole", "object": "chat.completion", "model": "m",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Not streamed."}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}
            """));

        var response = (await h.Client(h.Llm()).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync()).ToChatResponse();

        response.Text.Should().Be("Not streamed.");
        response.ResponseId.Should().Be("chatcmpl-whole");
        response.Usage!.TotalTokenCount.Should().Be(5);
    }

    [TestCase(OpenAi, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Cut \"},\"finish_reason\":null}]}\n\n", "[DONE]")]
    [TestCase(Claude, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Cut \"}}\n\n", "message_stop")]
    public async Task GetStreamingResponseAsync_StreamClosedBeforeItsEnd_IsACutOffReplyNotAShortOne(string model, string body, string missing)
    {
        await using var h = await LlmClientHarness.StartAsync();
        h.Server.Enqueue(FakeReply.Raw(200, body));

        var act = () => h.Client(LlmFor(h, model)).GetStreamingResponseAsync([new(ChatRole.User, "Hi")]).ToListAsync().AsTask();

        await act.Should().ThrowAsync<LlmServiceUnavailableException>().WithMessage($"*before {missing}*cut off*");
    }

    /// <summary>What the agent reads from a reply: text, first reasoning, tool calls with raw arguments, usage, ids.</summary>
    private static string Describe(ChatResponse response)
    {
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var calls = contents.OfType<FunctionCallContent>().Select(c => $"{c.CallId}:{c.Name}:{c.RawRepresentation}");
        var usage = response.Usage;
        var counts = usage?.AdditionalCounts is { } a ? string.Join(",", a.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")) : string.Empty;
        return string.Join(
            " | ",
            response.ResponseId,
            response.FinishReason?.Value,
            string.Concat(contents.OfType<TextContent>().Select(t => t.Text)),
            contents.OfType<TextReasoningContent>().Select(r => r.Text).FirstOrDefault(r => r.Length > 0),
            string.Join(";", calls),
            $"{usage?.InputTokenCount}/{usage?.OutputTokenCount}/{usage?.TotalTokenCount}/{usage?.CachedInputTokenCount}/{counts}");
    }
}
