using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;

namespace OpenHands.Remote.Tests;

/// <summary>The event websocket on a server with session keys: the key goes in the upgrade's header; a wrong one is 4001.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
[Category("Websocket")]
public sealed class SocketAuthenticationTests : RemoteTestBase
{
    private const string ServerKey = "session-key-ws-1";

    protected override IReadOnlyList<string> ServerSessionKeys => [ServerKey];

    protected override string? ClientSessionKey => ServerKey;

    [Test]
    public async Task StreamEventsAsync_CorrectKey_StreamsAndSendsTheKeyInTheUpgradeHeaderOnly()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("hello");

        await using var stream = new EventCollector(ct => conversation.WatchEventsAsync(cancellationToken: ct));

        await stream.WaitForAsync(e => e.OfType<MessageEvent>().Any());
        var upgrade = Recorder.Requests.Single(r => r.Path.StartsWith("/sockets/", StringComparison.Ordinal));
        upgrade.Header("X-Session-API-Key").Should().Be(ServerKey);
        upgrade.Uri.ToString().Should().NotContain(ServerKey);
    }

    [Test]
    public async Task StreamEventsAsync_ServerRejectsTheKey_ThrowsAuthenticationWithoutReconnecting()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        Faults.Inject(r => r.RequestUri!.AbsolutePath.StartsWith("/sockets/", StringComparison.Ordinal), FaultInjectingHandler.Fault.WrongSessionKey, count: -1);

        var act = async () =>
        {
            await foreach (var _ in conversation.WatchEventsAsync())
            {
            }
        };

        var error = (await act.Should().ThrowAsync<AgentServerAuthenticationException>()).Which;
        error.Message.Should().Contain("4001").And.NotContain(FaultInjectingHandler.WrongKey).And.NotContain(ServerKey);
        Recorder.Requests.Count(r => r.Path.StartsWith("/sockets/", StringComparison.Ordinal)).Should().Be(1);
    }
}
