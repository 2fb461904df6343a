using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;

namespace OpenHands.Remote.Tests;

/// <summary>A server with session keys: the right key works everywhere, a wrong or missing one is a typed 401.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class AuthenticationTests : RemoteTestBase
{
    private const string ServerKey = "session-key-right-1";

    protected override IReadOnlyList<string> ServerSessionKeys => [ServerKey];

    protected override string? ClientSessionKey => ServerKey;

    [Test]
    public async Task EveryCall_CorrectKey_SucceedsAndSendsTheKeyInTheHeaderOnly()
    {
        await StartFakeLlmAsync();
        await Workspace.Profiles.SaveAsync("fast", FakeLlmConfig());
        await Workspace.Profiles.ActivateAsync("fast");
        (await Workspace.Profiles.ListAsync()).Profiles.Should().ContainSingle();
        (await Workspace.Settings.LoadAsync()).Settings.ActiveProfile!.Value.Value.Should().Be("fast");
        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        await conversation.SendMessageAsync("hi");
        await conversation.PauseAsync();
        (await conversation.GetStateAsync()).Id.Should().Be(conversation.Id);
        await conversation.DeleteAsync();

        Recorder.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.Header("X-Session-API-Key") == ServerKey);
        Recorder.Requests.Should().OnlyContain(r => !r.Uri.ToString().Contains(ServerKey, StringComparison.Ordinal) && !r.Body.Contains(ServerKey, StringComparison.Ordinal));
    }

    [Test]
    public async Task Constructor_AddressAndKey_WorkspaceOwnsItsClientAndWorks()
    {
        await using (var workspace = new RemoteWorkspace(Server.BaseAddress, new OpenHands.Sdk.Security.SecretString(ServerKey)))
        {
            workspace.BaseAddress.Should().Be(Server.BaseAddress);
            await workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
            var conversation = await workspace.Conversations.StartWithProfileAsync("fast");
            conversation.Workspace.Should().BeSameAs(workspace);
            (await workspace.Profiles.ListAsync()).Profiles.Should().ContainSingle();
        }

        (await Workspace.Profiles.ListAsync()).Profiles.Should().ContainSingle("the other workspace's disposal closed only its own client");
    }

    [Test]
    public async Task ListProfilesAsync_NoKey_ThrowsAuthenticationSayingNoKeyWasSent()
    {
        using var workspace = CreateWorkspace(sessionKey: null);

        var act = () => workspace.Profiles.ListAsync();

        var error = (await act.Should().ThrowAsync<AgentServerAuthenticationException>()).Which;
        error.StatusCode.Should().Be(401);
        error.Message.Should().Contain("No key was sent");
        Recorder.Requests.Should().ContainSingle("a 401 is not retried");
    }

    [Test]
    public async Task Calls_WrongKey_ThrowAuthenticationWithoutTheKeyInTheMessage()
    {
        using var workspace = CreateWorkspace("session-key-wrong-2");

        var list = () => workspace.Profiles.ListAsync();
        var save = () => workspace.Profiles.SaveAsync("fast", new Llm("openai/x") { ApiKey = new OpenHands.Sdk.Security.SecretString("sk-test-auth-5") });
        var start = () => workspace.Conversations.StartWithProfileAsync("fast");
        var attach = () => workspace.Conversations.RestoreAsync(Guid.NewGuid());

        foreach (var act in new Func<Task>[] { list, save, start, attach })
        {
            var error = (await act.Should().ThrowAsync<AgentServerAuthenticationException>()).Which;
            error.ToString().Should().NotContain("session-key-wrong-2").And.NotContain(ServerKey).And.NotContain("sk-test-auth-5");
        }

        Logs.Text.Should().NotContain("session-key-wrong-2").And.NotContain("sk-test-auth-5");
    }
}
