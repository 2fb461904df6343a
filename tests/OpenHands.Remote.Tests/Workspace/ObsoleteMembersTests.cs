using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>
/// The members of the first version of <see cref="RemoteWorkspace"/> and <see cref="RemoteConversation"/> are kept as
/// <c>[Obsolete]</c> forwarders to the sub-clients: existing callers keep working.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class ObsoleteMembersTests : RemoteTestBase
{
#pragma warning disable CS0618 // The point of these tests: the obsolete members still work.
    [Test]
    public async Task ObsoleteMembers_ForwardToTheSubClients()
    {
        var llm = new Llm("openai/gpt-old") { ApiKey = new SecretString("sk-test-old-1"), BaseUrl = "http://127.0.0.1:9/v1" };

        var reference = await Workspace.SaveProfileAsync("old", llm);
        await Workspace.ActivateProfileAsync("old");
        var list = await Workspace.ListProfilesAsync();
        var fetched = await Workspace.GetLlmAsync();
        var settings = await Workspace.GetSettingsAsync();
        var conversation = await RemoteConversation.StartAsync(Workspace, "old");
        var attached = await Workspace.GetConversationAsync(conversation.Id);
        var renamed = await Workspace.RenameProfileAsync("old", "older");

        reference.Name.Should().Be(ProfileName.Create("old"));
        list.ActiveProfile.Should().Be(ProfileName.Create("old"));
        fetched.ApiKey!.Reveal().Should().Be("sk-test-old-1");
        settings.Settings.ActiveProfile.Should().Be(ProfileName.Create("old"));
        attached.Id.Should().Be(conversation.Id);
        renamed.Name.Should().Be(ProfileName.Create("older"));
        (await Workspace.Profiles.GetAsync("older")).Llm.Model.Should().Be("openai/gpt-old");
    }
#pragma warning restore CS0618
}
