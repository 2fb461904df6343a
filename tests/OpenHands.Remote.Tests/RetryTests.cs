using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;
using static OpenHands.Remote.Tests.Support.FaultInjectingHandler;

namespace OpenHands.Remote.Tests;

/// <summary>
/// Faults injected between the client and the real server: idempotent calls are retried on 5xx, connection errors and
/// timeouts (3 attempts); non-idempotent posts are sent once unless an explicit conversation id makes the start idempotent.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class RetryTests : RemoteTestBase
{
    private static bool Path(HttpRequestMessage r, string method, string suffix) =>
        r.Method.Method == method && r.RequestUri!.AbsolutePath.EndsWith(suffix, StringComparison.Ordinal);

    [Test]
    public async Task ListProfilesAsync_TwoServiceUnavailableAnswers_IsRetriedAndSucceeds()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        Recorder.Clear();
        Faults.Inject(r => Path(r, "GET", "/api/profiles"), Fault.ServiceUnavailable, count: 2);

        var list = await Workspace.Profiles.ListAsync();

        list.Profiles.Should().ContainSingle();
        Recorder.Requests.Should().HaveCount(3);
        Logs.Lines.Count(l => l.Contains("attempt", StringComparison.Ordinal) && l.Contains("HTTP 503", StringComparison.Ordinal)).Should().Be(2);
    }

    [Test]
    public async Task GetSettingsAsync_ConnectionErrorOnce_IsRetriedAndSucceeds()
    {
        Faults.Inject(r => Path(r, "GET", "/api/settings"), Fault.ConnectionError);

        var settings = await Workspace.Settings.LoadAsync();

        settings.Settings.ActiveProfile.Should().BeNull();
        Recorder.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task GetSettingsAsync_AttemptTimesOut_IsRetriedAndSucceeds()
    {
        using var workspace = CreateWorkspace(null, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(200));
        await Workspace.Settings.LoadAsync();   // a cold server's very first answer can take longer than the attempt timeout
        Recorder.Clear();
        Faults.Inject(r => Path(r, "GET", "/api/settings"), Fault.Hang);

        var settings = await workspace.Settings.LoadAsync();

        settings.LlmApiKeyIsSet.Should().BeFalse();
        Recorder.Requests.Should().HaveCount(2);
    }

    [Test]
    public async Task ListProfilesAsync_AlwaysServiceUnavailable_ThrowsRequestExceptionAfterThreeAttempts()
    {
        Faults.Inject(_ => true, Fault.ServiceUnavailable, count: -1);

        var act = () => Workspace.Profiles.ListAsync();

        var error = (await act.Should().ThrowAsync<AgentServerRequestException>()).Which;
        error.StatusCode.Should().Be(503);
        error.Detail.Should().Contain("Injected fault");
        Recorder.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task ListProfilesAsync_ServerUnreachable_ThrowsRequestExceptionWithoutStatusAfterThreeAttempts()
    {
        Faults.Inject(_ => true, Fault.ConnectionError, count: -1);

        var act = () => Workspace.Profiles.ListAsync();

        var error = (await act.Should().ThrowAsync<AgentServerRequestException>()).Which;
        error.StatusCode.Should().BeNull();
        error.InnerException.Should().BeOfType<HttpRequestException>();
        error.Message.Should().Contain("Could not reach the agent server");
        Recorder.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task DefaultOptions_RetryDelays_AreOneThenTwoSeconds()
    {
        var time = new FakeTimeProvider { AutoAdvance = true };
        using var workspace = CreateWorkspace(null, o =>
        {
            o.RetryDelay = new RemoteWorkspaceOptions().RetryDelay;
            o.MaxAttempts = new RemoteWorkspaceOptions().MaxAttempts;
            o.AttemptTimeout = Timeout.InfiniteTimeSpan;   // a fake clock that fires at once would time every attempt out
        }, time);
        Faults.Inject(_ => true, Fault.ServiceUnavailable, count: -1);

        var act = () => workspace.Settings.LoadAsync();

        await act.Should().ThrowAsync<AgentServerRequestException>();
        time.RequestedDelays.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Recorder.Requests.Should().HaveCount(3);
    }

    [Test]
    public async Task StartAsync_WithoutIdAndServiceUnavailable_IsNotRetried()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        Faults.Inject(r => Path(r, "POST", "/api/conversations"), Fault.ServiceUnavailable);

        var act = () => Workspace.Conversations.StartWithProfileAsync("fast");

        (await act.Should().ThrowAsync<AgentServerRequestException>()).Which.StatusCode.Should().Be(503);
        Sent("POST", "/api/conversations").Should().ContainSingle();
    }

    [Test]
    public async Task StartAsync_WithIdAndAnswerLost_IsRetriedAndReturnsTheOneConversationCreated()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        var id = Guid.NewGuid();
        Faults.Inject(r => Path(r, "POST", "/api/conversations"), Fault.AnswerLost);

        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast", new RemoteConversationOptions { ConversationId = id });

        conversation.Id.Should().Be(id);
        Sent("POST", "/api/conversations").Should().HaveCount(2);
        using var check = new HttpClient { BaseAddress = Server.BaseAddress };
        (await check.GetStringAsync("api/conversations/count")).Should().Be("1");
    }

    [Test]
    public async Task StartAsync_WithoutIdAndAnswerLost_IsNotRetried()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        Faults.Inject(r => Path(r, "POST", "/api/conversations"), Fault.AnswerLost);

        var act = () => Workspace.Conversations.StartWithProfileAsync("fast");

        (await act.Should().ThrowAsync<AgentServerRequestException>()).Which.StatusCode.Should().BeNull();
        Sent("POST", "/api/conversations").Should().ContainSingle("a repeat would start a second conversation");
    }

    [Test]
    public async Task SendMessageAsync_ConnectionError_IsNotRetried()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        Faults.Inject(r => Path(r, "POST", "/events"), Fault.ConnectionError);

        var act = () => conversation.SendMessageAsync("once");

        (await act.Should().ThrowAsync<AgentServerRequestException>()).Which.StatusCode.Should().BeNull();
        Sent("POST", "/events").Should().ContainSingle();
    }

    [Test]
    public async Task SaveProfileAsync_ServiceUnavailableOnce_IsRetriedBecauseASaveIsIdempotent()
    {
        Faults.Inject(r => Path(r, "POST", "/api/profiles/fast"), Fault.ServiceUnavailable);

        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));

        Sent("POST", "/api/profiles/fast").Should().HaveCount(2);
        (await Workspace.Profiles.ListAsync()).Profiles.Should().ContainSingle();
    }

    [Test]
    public async Task GetProfileAsync_NotFound_IsNotRetried()
    {
        var act = () => Workspace.Profiles.GetAsync("ghost");

        await act.Should().ThrowAsync<OpenHands.Sdk.Profiles.ProfileNotFoundException>();
        Recorder.Requests.Should().ContainSingle();
    }

    [Test]
    public async Task GetSettingsAsync_CallerCancels_ThrowsOperationCanceledWithoutRetrying()
    {
        Faults.Inject(_ => true, Fault.Hang);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var act = () => Workspace.Settings.LoadAsync(cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        Recorder.Requests.Should().ContainSingle();
    }
}
