using System.Text.Json.Nodes;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Testing;

namespace OpenHands.Sdk.Tests.Conversations;

/// <summary>
/// A conversation whose profile streams (issue 14, item 1): deltas go through the event stream the server's websocket
/// reads, before the reply is recorded, and the recorded events are those of the same reply without streaming.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Conversation")]
public sealed class ConversationStreamingTests
{
    private static FakeReply[] Script() =>
    [
        FakeReply.ToolCall("think", """{"thought": "The user asks for a number."}""", "call_think").WithText("Let me think about it first."),
        FakeReply.Text("The answer is forty two, as always.").WithReasoning("Recall the classic answer.").WithUsage(200, 20, cachedTokens: 50),
    ];

    [TestCase("openai/gpt-test")]
    [TestCase("anthropic/claude-test")]
    public async Task RunAsync_StreamingProfile_DeltasPrecedeTheMessageAndEventsEqualTheNonStreamedRun(string model)
    {
        var (streamedEvents, streamed) = await RunAsync(model, stream: true);
        var (wholeEvents, whole) = await RunAsync(model, stream: false);

        var finalMessage = streamedEvents.FindIndex(e => e is MessageEvent { Source: EventSource.Agent });
        finalMessage.Should().BePositive();
        var deltasBefore = streamedEvents.Take(finalMessage).OfType<StreamingDeltaEvent>().ToList();
        deltasBefore.Where(d => d.Content is not null).Should().HaveCountGreaterThanOrEqualTo(2);
        string.Concat(deltasBefore.Select(d => d.Content)).Should().Be("Let me think about it first.The answer is forty two, as always.");
        deltasBefore.Where(d => d.ReasoningContent is not null).Should().NotBeEmpty();
        wholeEvents.OfType<StreamingDeltaEvent>().Should().BeEmpty("a profile without stream: true does not stream");

        Comparable(streamed.Events).Should().Equal(Comparable(whole.Events));
        streamed.Events.OfType<StreamingDeltaEvent>().Should().BeEmpty("deltas are never persisted");
        streamed.Result.Should().Be(whole.Result);
    }

    [Test]
    public async Task StreamDeltasAsync_StreamingRun_YieldsTheReplyInPiecesThatJoinToTheMessage()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("Streaming makes long answers feel fast."));
        var conversation = await kit.Factory(persisted: false).StartAsync(ConversationTestKit.Agent(kit.Llm() with { Stream = true }), kit.Options());
        await conversation.SendMessageAsync("Say something.");
        var deltas = conversation.StreamDeltasAsync().GetAsyncEnumerator();
        var first = deltas.MoveNextAsync();

        await conversation.RunAsync();
        await conversation.DisposeAsync();

        var pieces = new List<string>();
        if (await first)
        {
            do
            {
                pieces.Add(deltas.Current.Content!);
            }
            while (await deltas.MoveNextAsync());
        }

        pieces.Should().HaveCountGreaterThanOrEqualTo(2);
        string.Concat(pieces).Should().Be("Streaming makes long answers feel fast.");
        conversation.Events.OfType<MessageEvent>().Last().Text.Should().Be("Streaming makes long answers feel fast.");
    }

    [Test]
    public async Task Callbacks_StreamingRun_SeeTheDeltasBeforeTheMessage()
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(FakeReply.Text("Two words."));
        var seen = new List<ConversationEvent>();
        var options = kit.Options();
        options.Callbacks.Add(e =>
        {
            lock (seen)
            {
                seen.Add(e);
            }
        });
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm() with { Stream = true }), options);

        await conversation.SendMessageAsync("Go.");
        await conversation.RunAsync();

        seen.SkipWhile(e => e is not StreamingDeltaEvent).TakeWhile(e => e is StreamingDeltaEvent).OfType<StreamingDeltaEvent>()
            .Select(d => d.Content).Should().Equal("Two ", "words.");
        seen.Last(e => e is not StreamingDeltaEvent).Should().BeOfType<MessageEvent>();
        kit.ConversationFiles().Should().NotContain(f => f.Text.Contains("StreamingDeltaEvent"));
    }

    [Test]
    public void EventJsonCodec_StreamingDelta_HasThePythonShape()
    {
        var json = JsonNode.Parse(EventJsonCodec.ToBytes(new StreamingDeltaEvent { Content = "hi", ReasoningContent = "hmm" }))!.AsObject();

        json["kind"]!.GetValue<string>().Should().Be("StreamingDeltaEvent");
        json["source"]!.GetValue<string>().Should().Be("agent");
        json["content"]!.GetValue<string>().Should().Be("hi");
        json["reasoning_content"]!.GetValue<string>().Should().Be("hmm");
        EventJsonCodec.FromBytes(EventJsonCodec.ToBytes(new StreamingDeltaEvent { Content = "x" })).Should().BeOfType<StreamingDeltaEvent>()
            .Which.Content.Should().Be("x");
    }

    private static async Task<(List<ConversationEvent> Watched, (IReadOnlyList<ConversationEvent> Events, ConversationResult Result) Run)> RunAsync(string model, bool stream)
    {
        await using var kit = await ConversationTestKit.StartAsync();
        kit.Server.Enqueue(Script());
        await using var conversation = await kit.Factory().StartAsync(ConversationTestKit.Agent(kit.Llm(model) with { Stream = stream }), kit.Options());
        await conversation.SendMessageAsync("What is the answer?");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watched = new List<ConversationEvent>();
        var events = conversation.WatchEventsAsync(cancellationToken: cts.Token).GetAsyncEnumerator();
        var first = events.MoveNextAsync(); // subscribes now, before the run starts
        var watching = Task.Run(async () =>
        {
            for (var more = await first; more; more = await events.MoveNextAsync())
            {
                watched.Add(events.Current);
                if (events.Current is MessageEvent { Source: EventSource.Agent })
                {
                    return;
                }
            }
        });

        var result = await conversation.RunAsync();
        await watching;
        await events.DisposeAsync();
        return (watched, (conversation.Events, result));
    }

    /// <summary>Each event as JSON without what differs between two runs: ids, times, parents and the system prompt's folder.</summary>
    private static List<string> Comparable(IReadOnlyList<ConversationEvent> events) =>
    [
        .. events.Where(e => e is not SystemPromptEvent).Select(e =>
        {
            var json = JsonNode.Parse(EventJsonCodec.ToBytes(e))!.AsObject();
            json.Remove("id");
            json.Remove("timestamp");
            json.Remove("parent_id");
            json.Remove("action_id");
            return json.ToJsonString();
        }),
    ];
}
