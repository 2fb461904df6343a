using System.Text.Json;
using OpenHands.AgentServer;
using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>
/// <see cref="RemoteWorkspace.ProviderConnections"/> and <see cref="RemoteWorkspace.AgentProfiles"/> against the real
/// server: the requests they send, what comes back (never a key), and the typed errors.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class RemoteChainClientsTests : RemoteTestBase
{
    protected override void ConfigureServer(AgentServerOptions options) => options.SecretKey = "remote-chain-test-secret";

    [Test]
    public async Task ProviderConnections_CreateListSetKeyDelete_KeysOnlyInTheWritesThatCarryThem()
    {
        var created = await Workspace.ProviderConnections.CreateAsync("Work", new SecretString("sk-test-conn-one"), "openai", "http://127.0.0.1:9/v1");
        var listed = await Workspace.ProviderConnections.ListAsync();
        var updated = await Workspace.ProviderConnections.SetKeyAsync(created.Id, new SecretString("sk-test-conn-two"));
        var deleted = await Workspace.ProviderConnections.DeleteAsync(created.Id);

        created.DisplayName.Should().Be("Work");
        created.Provider.Should().Be("openai");
        created.BaseUrl.Should().Be("http://127.0.0.1:9/v1");
        created.ApiKeySet.Should().BeTrue();
        listed.Should().ContainSingle().Which.Id.Should().Be(created.Id);
        updated.ApiKeySet.Should().BeTrue();
        updated.UpdatedAt.Should().BeOnOrAfter(created.UpdatedAt);
        deleted.Id.Should().Be(created.Id);
        (await Workspace.ProviderConnections.ListAsync()).Should().BeEmpty();
        Recorder.Requests.Where(r => r.Body.Contains("sk-test-conn", StringComparison.Ordinal)).Select(r => r.Method)
            .Should().Equal(["POST", "PATCH"], "only the create and the key change carry a key");
        Logs.Text.Should().NotContain("sk-test-conn");
    }

    [Test]
    public async Task ProviderConnections_DeleteReferenced_IsAConflictNamingTheProfile()
    {
        var connection = await Workspace.ProviderConnections.CreateAsync("Used", new SecretString("sk-test-conn-one"));
        await Workspace.Profiles.SaveAsync("linked", new Llm("openai/gpt-linked") { ProviderConnectionId = connection.Id });

        var act = () => Workspace.ProviderConnections.DeleteAsync(connection.Id);

        (await act.Should().ThrowAsync<AgentServerConflictException>()).Which.Message.Should().Contain("linked");
        (await Workspace.ProviderConnections.ListAsync()).Should().ContainSingle();
    }

    [Test]
    public async Task ProviderConnections_SetKeyOnUnknownId_IsATypedError()
    {
        var act = () => Workspace.ProviderConnections.SetKeyAsync("no-such-id", new SecretString("sk-test-conn-one"));

        (await act.Should().ThrowAsync<AgentServerException>()).Which.StatusCode.Should().Be(404);
    }

    [Test]
    public async Task AgentProfiles_SaveListLoadRenameActivateMaterializeDelete()
    {
        await Workspace.Profiles.SaveAsync("smart", new Llm("openai/gpt-smart") { ApiKey = new SecretString("sk-test-alpha") });
        var reviewer = ProfileName.Create("reviewer");

        await Workspace.AgentProfiles.SaveAsync(AgentProfile.Create(reviewer, ProfileName.Create("smart")));
        var loaded = await Workspace.AgentProfiles.LoadAsync(reviewer);
        await Workspace.AgentProfiles.RenameAsync(reviewer, ProfileName.Create("critic"));
        await Workspace.AgentProfiles.ActivateAsync(loaded.Id);
        var list = await Workspace.AgentProfiles.ListAsync();
        var diagnostics = await Workspace.AgentProfiles.MaterializeAsync(ProfileName.Create("critic"));

        loaded.LlmProfileRef.Should().Be("smart");
        var summary = list.Profiles.Should().ContainSingle().Subject;
        summary.Name.Should().Be("critic");
        summary.Id.Should().Be(loaded.Id.ToString());
        summary.LlmProfileRef.Should().Be("smart");
        list.ActiveAgentProfileId.Should().Be(loaded.Id.ToString());
        diagnostics.Valid.Should().BeTrue(string.Join("; ", diagnostics.Errors));
        diagnostics.LlmProfileResolved.Should().BeTrue();
        diagnostics.LlmApiKeySet.Should().BeTrue();
        Recorder.Requests.Where(r => r.Path.Contains("agent-profiles", StringComparison.Ordinal)).Should().OnlyContain(r => !r.Text.Contains("sk-test", StringComparison.Ordinal));

        await Workspace.AgentProfiles.DeleteAsync(ProfileName.Create("critic"));
        // (an empty store lists the seeded "default" profile again, as the Python server does)
        (await Workspace.AgentProfiles.ListAsync()).Profiles.Select(p => p.Name).Should().NotContain("critic");
    }

    [Test]
    public async Task AgentProfiles_DanglingLlmProfile_MaterializeReportsIt_LoadUnknownThrows()
    {
        await Workspace.AgentProfiles.SaveAsync(AgentProfile.Create(ProfileName.Create("orphan"), ProfileName.Create("missing-llm")));

        var diagnostics = await Workspace.AgentProfiles.MaterializeAsync(ProfileName.Create("orphan"));
        var load = () => Workspace.AgentProfiles.LoadAsync(ProfileName.Create("ghost"));

        diagnostics.Valid.Should().BeFalse();
        diagnostics.LlmProfileResolved.Should().BeFalse();
        diagnostics.Errors.Should().Contain(e => e.Contains("missing-llm", StringComparison.Ordinal));
        await load.Should().ThrowAsync<AgentProfileNotFoundException>();
    }

    [Test]
    public async Task AgentProfiles_DeletingTheirLlmProfile_IsAConflict()
    {
        await Workspace.Profiles.SaveAsync("smart", new Llm("openai/gpt-smart"));
        await Workspace.AgentProfiles.SaveAsync(AgentProfile.Create(ProfileName.Create("reviewer"), ProfileName.Create("smart")));

        var act = () => Workspace.Profiles.DeleteAsync("smart");

        (await act.Should().ThrowAsync<AgentServerConflictException>()).Which.Message.Should().Contain("reviewer");
    }
}
