using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>Profile CRUD, activation and GetLlmAsync against the real server.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class RemoteWorkspaceProfileTests : RemoteTestBase
{
    private static Llm Sample(string model = "openai/gpt-remote", string? key = "sk-test-profile-1") =>
        new(model) { ApiKey = SecretString.FromNullable(key), BaseUrl = "http://127.0.0.1:9/v1", Temperature = 0.25 };

    [Test]
    public async Task ListProfilesAsync_AfterSavesAndActivate_ReturnsSummariesAndActiveProfile()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample("openai/fast"));
        await Workspace.Profiles.SaveAsync("slow", Sample("openai/slow", key: null));
        await Workspace.Profiles.ActivateAsync("slow");

        var list = await Workspace.Profiles.ListAsync();

        list.Profiles.Select(p => (p.Name.Value, p.Model, p.ApiKeySet)).Should().Equal(("fast", "openai/fast", true), ("slow", "openai/slow", false));
        list.ActiveProfile.Should().Be(ProfileName.Create("slow"));
    }

    [Test]
    public async Task ListProfilesAsync_EmptyServer_ReturnsNoneAndNoActive()
    {
        var list = await Workspace.Profiles.ListAsync();

        list.Profiles.Should().BeEmpty();
        list.ActiveProfile.Should().BeNull();
    }

    [Test]
    public async Task GetProfileAsync_SavedWithKey_ReturnsConfigurationWithoutSecrets()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample() with { AwsSecretAccessKey = new SecretString("aws-test-secret-1") });

        var profile = await Workspace.Profiles.GetAsync("fast");

        profile.Name.Value.Should().Be("fast");
        profile.ApiKeySet.Should().BeTrue();
        profile.Llm.ApiKey.Should().BeNull();
        profile.Llm.AwsSecretAccessKey.Should().BeNull();
        profile.Llm.Model.Should().Be("openai/gpt-remote");
        profile.Llm.Temperature.Should().Be(0.25);
        profile.Llm.SourceProfile.Should().Be(ProfileName.Create("fast"));
        Recorder.Requests[^1].Header("X-Expose-Secrets").Should().BeNull("a plain read asks for no secret");
    }

    [Test]
    public async Task GetProfileAsync_Missing_ThrowsProfileNotFoundNamingIt()
    {
        var act = () => Workspace.Profiles.GetAsync("ghost");

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("ghost"));
        error.Message.Should().Contain("'ghost'").And.Contain(Server.BaseAddress.Authority);
    }

    [Test]
    public async Task SaveProfileAsync_InvalidName_ThrowsBeforeSendingAnything()
    {
        var act = () => Workspace.Profiles.SaveAsync("../etc/passwd", Sample());

        await act.Should().ThrowAsync<InvalidProfileNameException>();
        Recorder.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task SaveProfileAsync_Overwrite_ReplacesTheConfiguration()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample("openai/one"));
        var reference = await Workspace.Profiles.SaveAsync("fast", Sample("openai/two"));

        reference.Name.Value.Should().Be("fast");
        (await Workspace.Profiles.GetAsync("fast")).Llm.Model.Should().Be("openai/two");
    }

    [Test]
    public async Task DeleteProfileAsync_ActiveProfile_RemovesItAndClearsTheActivePointer()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample());
        await Workspace.Profiles.ActivateAsync("fast");

        await Workspace.Profiles.DeleteAsync("fast");

        var list = await Workspace.Profiles.ListAsync();
        list.Profiles.Should().BeEmpty();
        list.ActiveProfile.Should().BeNull();
    }

    [Test]
    public async Task DeleteProfileAsync_Missing_Succeeds()
    {
        var act = () => Workspace.Profiles.DeleteAsync("ghost");

        await act.Should().NotThrowAsync();
    }

    [Test]
    public async Task RenameProfileAsync_ActiveProfile_MovesItAndTheActivePointer()
    {
        await Workspace.Profiles.SaveAsync("old", Sample());
        await Workspace.Profiles.ActivateAsync("old");

        var reference = await Workspace.Profiles.RenameAsync("old", "new");

        reference.Name.Value.Should().Be("new");
        var list = await Workspace.Profiles.ListAsync();
        list.Profiles.Select(p => p.Name.Value).Should().Equal("new");
        list.ActiveProfile!.Value.Value.Should().Be("new");
        Sent("POST", "/api/profiles/old/rename").Single().Body.Should().Be("""{"new_name":"new"}""");
    }

    [Test]
    public async Task RenameProfileAsync_TargetExists_ThrowsConflictWithTheServersDetail()
    {
        await Workspace.Profiles.SaveAsync("a", Sample());
        await Workspace.Profiles.SaveAsync("b", Sample());

        var act = () => Workspace.Profiles.RenameAsync("a", "b");

        var error = (await act.Should().ThrowAsync<AgentServerConflictException>()).Which;
        error.StatusCode.Should().Be(409);
        error.Detail.Should().Contain("'b' already exists");
        error.Message.Should().Contain("'b' already exists");
    }

    [Test]
    public async Task RenameProfileAsync_Missing_ThrowsProfileNotFound()
    {
        var act = () => Workspace.Profiles.RenameAsync("ghost", "other");

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.ProfileName.Should().Be(ProfileName.Create("ghost"));
    }

    [Test]
    public async Task ActivateProfileAsync_Missing_ThrowsProfileNotFound()
    {
        var act = () => Workspace.Profiles.ActivateAsync("ghost");

        await act.Should().ThrowAsync<ProfileNotFoundException>().WithMessage("*'ghost'*");
    }

    [Test]
    public async Task GetLlmAsync_Named_ReturnsTheLlmWithItsKeyFromTheProfileEndpoint()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample());
        Recorder.Clear();

        var llm = await Workspace.Profiles.LoadAsync("fast");

        llm.ApiKey!.Reveal().Should().Be("sk-test-profile-1");
        llm.Model.Should().Be("openai/gpt-remote");
        llm.SourceProfile.Should().Be(ProfileName.Create("fast"));
        llm.UsageId.Should().Be("profile:fast");
        var request = Recorder.Requests.Should().ContainSingle().Which;
        request.Path.Should().Be("/api/profiles/fast");
        request.Header("X-Expose-Secrets").Should().Be("plaintext");
    }

    [Test]
    public async Task GetLlmAsync_NoName_UsesTheActiveProfileAndNeverTheSettings()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample("openai/fast"));
        await Workspace.Profiles.SaveAsync("slow", Sample("openai/slow", key: "sk-test-profile-2"));
        await Workspace.Profiles.ActivateAsync("slow");
        Recorder.Clear();

        var llm = await Workspace.Profiles.LoadAsync();

        llm.Model.Should().Be("openai/slow");
        llm.ApiKey!.Reveal().Should().Be("sk-test-profile-2");
        Recorder.Requests.Select(r => r.Path).Should().Equal("/api/profiles", "/api/profiles/slow");
    }

    [Test]
    public async Task GetLlmAsync_NoNameAndNoActiveProfile_ThrowsProfileNotFoundSayingHowToFixIt()
    {
        await Workspace.Profiles.SaveAsync("fast", Sample());

        var act = () => Workspace.Profiles.LoadAsync();

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.ProfileName.Should().BeNull();
        error.Message.Should().Contain("no active profile").And.Contain("fast");
    }

    [Test]
    public async Task GetLlmAsync_Missing_ThrowsProfileNotFound()
    {
        var act = () => Workspace.Profiles.LoadAsync("ghost");

        await act.Should().ThrowAsync<ProfileNotFoundException>().WithMessage("*'ghost'*");
    }
}
