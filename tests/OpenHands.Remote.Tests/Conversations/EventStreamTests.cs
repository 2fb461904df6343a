using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Remote;
using static OpenHands.Remote.Tests.Support.FaultInjectingHandler;

namespace OpenHands.Remote.Tests.Conversations;

/// <summary>Events over the real server's websocket: history then live, each once and in order, across reconnects.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
[Category("Websocket")]
public sealed class EventStreamTests : RemoteTestBase
{
    private int _socketsSeen;
    private volatile bool _cutFirstSocket;
    private volatile int _rejectUpgradeWith;
    private volatile bool _spoilQuery;

    /// <summary>The first websocket connection is cut 400 ms after it opens (the server's side of the TCP connection is aborted).</summary>
    protected override Action<WebApplication>? ServerMiddleware => app => app.Use(async (HttpContext context, RequestDelegate next) =>
    {
        if (_cutFirstSocket && context.Request.Path.StartsWithSegments("/sockets") && Interlocked.Increment(ref _socketsSeen) == 1)
        {
            _ = Task.Delay(400).ContinueWith(_ => context.Abort(), TaskScheduler.Default);
        }

        if (_rejectUpgradeWith != 0 && context.Request.Path.StartsWithSegments("/sockets"))
        {
            Interlocked.Increment(ref _socketsSeen);
            context.Response.StatusCode = _rejectUpgradeWith;
            return;
        }

        if (_spoilQuery && context.Request.Path.StartsWithSegments("/sockets"))
        {
            Interlocked.Increment(ref _socketsSeen);
            context.Request.QueryString = new QueryString("?resend_mode=bogus");
        }

        await next(context);
    });

    [SetUp]
    public async Task SetUpProfileAsync()
    {
        await StartFakeLlmAsync();
        await Workspace.Profiles.SaveAsync("fast", FakeLlmConfig(ModelA));
        await Workspace.Profiles.SaveAsync("smart", FakeLlmConfig(ModelB, "sk-test-remote-2"));
    }

    [Test]
    public async Task StreamEventsAsync_HistoryThenLive_ReturnsEveryEventOnceInOrderWithoutTheSnapshot()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("one");
        await conversation.SendMessageAsync("two");
        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));
        await stream.WaitForAsync(e => e.OfType<MessageEvent>().Count() == 2);

        await conversation.SendMessageAsync("three");
        var events = await stream.WaitForAsync(e => e.OfType<MessageEvent>().Count() == 3);

        events.OfType<MessageEvent>().Select(m => m.Text).Should().Equal("one", "two", "three");
        events.Select(e => e.Id).Should().Equal((await conversation.GetEventsAsync()).Select(e => e.Id));
        events.OfType<ConversationStateUpdateEvent>().Should().NotContain(e => e.Key == "full_state");
    }

    [Test]
    public async Task StreamEventsAsync_AgentRunAndProfileSwitch_StreamsTheRunsEvents()
    {
        FakeLlm.Enqueue(
            FakeReply.ToolCall("think", """{"thought": "plan"}"""),
            FakeReply.ToolCall("finish", """{"message": "first done"}"""),
            FakeReply.ToolCall("finish", """{"message": "second done"}"""));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));

        await conversation.SendMessageAsync("go");
        await conversation.RunAsync();
        await conversation.SwitchProfileAsync("smart");
        await conversation.SendMessageAsync("again");
        await conversation.RunAsync();

        var events = await stream.WaitForAsync(e => e.OfType<ActionEvent>().Count(a => a.ToolName == "finish") == 2);
        events.OfType<ActionEvent>().Select(a => a.ToolName).Should().Equal("think", "finish", "finish");
        events.OfType<ConversationStateUpdateEvent>().Should().ContainSingle(e => e.Key == "llm_profile" && e.Value.ToString().Contains("smart"));
        FakeLlm.Requests.Select(r => r.Model).Should().Equal("fake-model-a", "fake-model-a", "fake-model-b");
    }

    [Test]
    public async Task StreamEventsAsync_LiveOnly_SkipsThePast()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("old");
        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(new RemoteEventStreamOptions { IncludeHistory = false }, ct));
        await Task.Delay(300);   // the subscription is in place before the next message

        await conversation.SendMessageAsync("new");

        var events = await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());
        events.OfType<MessageEvent>().Select(m => m.Text).Should().Equal("new");
    }

    [Test]
    public async Task StreamEventsAsync_Since_ReturnsEventsFromThatTimeOn()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("before");
        var cut = (await conversation.GetEventsAsync()).OfType<MessageEvent>().Single().Timestamp.AddMilliseconds(1);
        await Task.Delay(20);
        await conversation.SendMessageAsync("after");

        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(new RemoteEventStreamOptions { Since = cut }, ct));

        var events = await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());
        await Task.Delay(200);
        stream.Events.OfType<MessageEvent>().Select(m => m.Text).Should().Equal("after");
        Recorder.Requests.Single(r => r.Path.StartsWith("/sockets/", StringComparison.Ordinal)).Uri.Query.Should().Contain("resend_mode=since&after_timestamp=");
    }

    [Test]
    public async Task StreamEventsAsync_ConversationDeleted_EndsTheStream()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("hello");
        var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));
        await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());

        await conversation.DeleteAsync();

        await stream.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await stream.DisposeAsync();
        Logs.Text.Should().Contain("closed by the server with code 4004");
    }

    [Test]
    public async Task StreamEventsAsync_UnknownConversation_EndsAtOnce()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.DeleteAsync();

        var events = new List<ConversationEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in conversation.WatchEventsAsync(cancellationToken: timeout.Token))
        {
            events.Add(e);
        }

        events.Should().BeEmpty();
        timeout.IsCancellationRequested.Should().BeFalse();
    }

    [Test]
    public async Task StreamEventsAsync_ConnectionCut_ReconnectsAndReturnsEachEventOnce()
    {
        _cutFirstSocket = true;
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("one");
        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));
        await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());
        await Task.Delay(600);   // the first connection is cut at 400 ms

        await conversation.SendMessageAsync("two");
        await conversation.SendMessageAsync("three");

        var events = await stream.WaitForAsync(e => e.OfType<MessageEvent>().Count() == 3);
        await Task.Delay(200);
        stream.Events.Select(e => e.Id).Should().OnlyHaveUniqueItems().And.Equal((await conversation.GetEventsAsync()).Select(e => e.Id));
        Recorder.Requests.Count(r => r.Path.StartsWith("/sockets/", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(2);
        Recorder.Requests.Where(r => r.Path.StartsWith("/sockets/", StringComparison.Ordinal)).Should().OnlyContain(r => r.Uri.Query == "?resend_mode=all");
        Logs.Text.Should().Contain("reconnecting");
    }

    [Test]
    public async Task StreamEventsAsync_UpgradeFailsTwice_ReconnectsAndStreams()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("one");
        Faults.Inject(r => r.RequestUri!.AbsolutePath.StartsWith("/sockets/", StringComparison.Ordinal), Fault.ConnectionError, count: 2);

        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));

        var events = await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());
        events.OfType<MessageEvent>().Single().Text.Should().Be("one");
        Faults.Injected.Should().Be(2);
    }

    [Test]
    public async Task StreamEventsAsync_UpgradeKeepsFailing_BacksOffFromOneSecondDoublingToThirty()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        var time = new FakeTimeProvider { AutoAdvance = true };
        using var workspace = CreateWorkspace(null, o =>
        {
            o.ReconnectDelay = new RemoteWorkspaceOptions().ReconnectDelay;
            o.MaxReconnectDelay = new RemoteWorkspaceOptions().MaxReconnectDelay;
            o.AttemptTimeout = Timeout.InfiniteTimeSpan;   // a fake clock that fires at once would time every request out
        }, time);
        Faults.Inject(r => r.RequestUri!.AbsolutePath.StartsWith("/sockets/", StringComparison.Ordinal), Fault.ConnectionError, count: 7);
        var attached = await workspace.Conversations.RestoreAsync(conversation.Id);
        await conversation.SendMessageAsync("finally");

        await using var stream = new EventCollector(ct => attached.WatchEventsAsync(cancellationToken: ct));

        await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());
        time.RequestedDelays.Where(d => d >= TimeSpan.FromSeconds(1)).Take(7).Select(d => d.TotalSeconds).Should().Equal(1, 2, 4, 8, 16, 30, 30);
    }

    [TestCase(401, typeof(AgentServerAuthenticationException))]
    [TestCase(403, typeof(AgentServerAuthenticationException))]
    [TestCase(404, typeof(ConversationNotFoundException))]
    public async Task StreamEventsAsync_UpgradeRefusedWithStatus_ThrowsTheTypedErrorWithoutReconnecting(int status, Type expected)
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        _rejectUpgradeWith = status;

        var act = async () =>
        {
            await foreach (var _ in conversation.WatchEventsAsync())
            {
            }
        };

        (await act.Should().ThrowAsync<AgentServerException>()).Which.Should().BeOfType(expected);
        _socketsSeen.Should().Be(1);
    }

    [Test]
    public async Task StreamEventsAsync_ServerRefusesTheQuery_ThrowsRequestExceptionWithoutReconnecting()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        _spoilQuery = true;

        var act = async () =>
        {
            await foreach (var _ in conversation.WatchEventsAsync())
            {
            }
        };

        (await act.Should().ThrowAsync<AgentServerRequestException>()).Which.Message.Should().Contain("1008").And.Contain("resend_mode");
        _socketsSeen.Should().Be(1);
    }

    [Test]
    public async Task StreamEventsAsync_CallerStops_EndsWithoutError()
    {
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("one");
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await foreach (var e in conversation.WatchEventsAsync(cancellationToken: cts.Token))
        {
            seen++;
            break;
        }

        seen.Should().Be(1);
    }
}
