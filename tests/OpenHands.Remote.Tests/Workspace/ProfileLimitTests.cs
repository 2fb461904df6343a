using OpenHands.AgentServer;
using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Remote;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>A server that allows one profile: saving a second is a 409.</summary>
[Category("Remote")]
public sealed class ProfileLimitTests : RemoteTestBase
{
    protected override void ConfigureServer(AgentServerOptions options) => options.MaxProfiles = 1;

    [Test]
    public async Task SaveProfileAsync_BeyondTheServersLimit_ThrowsConflictAndKeepsTheKeyOutOfTheMessage()
    {
        await Workspace.Profiles.SaveAsync("one", new Llm("openai/one"));

        var act = () => Workspace.Profiles.SaveAsync("two", new Llm("openai/two") { ApiKey = new OpenHands.Sdk.Security.SecretString("sk-test-limit-3") });

        var error = (await act.Should().ThrowAsync<AgentServerConflictException>()).Which;
        error.Detail.Should().Contain("Profile limit reached (1)");
        error.ToString().Should().NotContain("sk-test-limit-3");
        Sent("POST", "/api/profiles/two").Should().ContainSingle("a save is idempotent, but a 409 is not transient");
    }
}
