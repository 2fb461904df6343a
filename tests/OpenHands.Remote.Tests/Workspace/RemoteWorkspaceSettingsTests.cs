using System.Text.Json.Nodes;
using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>Settings get/update: no LLM goes either way.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class RemoteWorkspaceSettingsTests : RemoteTestBase
{
    [Test]
    public async Task GetSettingsAsync_WithActiveKeyedProfile_ReturnsThePointerAndKeyIsSet()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast") { ApiKey = new SecretString("sk-test-settings-1") });
        await Workspace.Profiles.ActivateAsync("fast");

        var settings = await Workspace.Settings.LoadAsync();

        settings.Settings.ActiveProfile.Should().Be(ProfileName.Create("fast"));
        settings.LlmApiKeyIsSet.Should().BeTrue();
        settings.Settings.AgentSettings.LlmProfile.Should().BeNull("activation is a pointer in settings, not an LLM");
    }

    [Test]
    public async Task GetSettingsAsync_FreshServer_ReturnsDefaults()
    {
        var settings = await Workspace.Settings.LoadAsync();

        settings.Settings.ActiveProfile.Should().BeNull();
        settings.LlmApiKeyIsSet.Should().BeFalse();
    }

    [Test]
    public async Task UpdateSettingsAsync_DiffsAndActiveProfile_AreAppliedAndReturned()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));

        var updated = await Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate
        {
            AgentSettingsDiff = new JsonObject { ["agent_context"] = new JsonObject { ["system_message_suffix"] = "Be brief." } },
            ConversationSettingsDiff = new JsonObject { ["max_iterations"] = 42 },
            MiscSettingsDiff = new JsonObject { ["theme"] = "dark" },
            ActiveProfile = "fast",
        });

        updated.Settings.ActiveProfile.Should().Be(ProfileName.Create("fast"));
        updated.Settings.AgentSettings.SystemMessageSuffix.Should().Be("Be brief.");
        updated.Settings.ConversationSettings.MaxIterations.Should().Be(42);
        updated.Settings.MiscSettings["theme"].GetString().Should().Be("dark");
        var reread = await Workspace.Settings.LoadAsync();
        reread.Settings.AgentSettings.SystemMessageSuffix.Should().Be("Be brief.");
        Sent("PATCH", "/api/settings").Single().Body.Should().NotContain("llm\"");
    }

    [Test]
    public async Task UpdateSettingsAsync_ClearActiveProfile_ClearsThePointer()
    {
        await Workspace.Profiles.SaveAsync("fast", new Llm("openai/fast"));
        await Workspace.Profiles.ActivateAsync("fast");

        var updated = await Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate { ClearActiveProfile = true });

        updated.Settings.ActiveProfile.Should().BeNull();
        Sent("PATCH", "/api/settings").Single().Body.Should().Be("""{"active_profile":null}""");
    }

    [Test]
    public async Task UpdateSettingsAsync_LlmInAgentDiff_ThrowsBeforeSendingAnything()
    {
        var act = () => Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate
        {
            AgentSettingsDiff = new JsonObject { ["llm"] = new JsonObject { ["model"] = "openai/x", ["api_key"] = "sk-test-settings-2" } },
        });

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*SaveProfileAsync*");
        Recorder.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task UpdateSettingsAsync_NothingToChange_ThrowsBeforeSendingAnything()
    {
        var act = () => Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate());

        await act.Should().ThrowAsync<ArgumentException>();
        Recorder.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task UpdateSettingsAsync_UnknownActiveProfile_ThrowsProfileNotFoundAndChangesNothing()
    {
        var act = () => Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate { ActiveProfile = "ghost" });

        await act.Should().ThrowAsync<ProfileNotFoundException>().WithMessage("*'ghost'*");
        (await Workspace.Settings.LoadAsync()).Settings.ActiveProfile.Should().BeNull();
    }

    [Test]
    public async Task UpdateSettingsAsync_InvalidDiff_ThrowsValidationWithTheServersDetail()
    {
        var act = () => Workspace.Settings.UpdateAsync(new RemoteSettingsUpdate { AgentSettingsDiff = new JsonObject { ["tools"] = "not-a-list" } });

        var error = (await act.Should().ThrowAsync<AgentServerValidationException>()).Which;
        error.StatusCode.Should().Be(422);
        error.Errors.Should().ContainSingle().Which.Should().StartWith("body: Settings validation failed");
        error.Message.Should().Contain("Settings validation failed");
    }
}
