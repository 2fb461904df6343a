using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>
/// The app-server flow: push named profiles from a local store to the agent server (only those that changed), then
/// switch a running conversation by name; counted in the server's requests and the fake LLM's.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class ProfilePushTests : RemoteTestBase
{
    private static readonly ProfileName Fast = ProfileName.Create("fast");
    private static readonly ProfileName Smart = ProfileName.Create("smart");
    private static readonly ProfileName Cheap = ProfileName.Create("cheap");

    [Test]
    public async Task Push_ThreeProfiles_ThenOneChanged_WritesOnlyThatOne_AndTheSwitchedConversationUsesIt()
    {
        await StartFakeLlmAsync();
        using var local = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = local.Path });
        await store.SaveAsync(Fast, FakeLlmConfig(ModelA, "sk-test-alpha"));
        await store.SaveAsync(Smart, FakeLlmConfig(ModelB, "sk-test-beta"));
        await store.SaveAsync(Cheap, FakeLlmConfig("openai/fake-model-c", "sk-test-gamma"));

        var first = await Workspace.Profiles.PushAsync(store);

        first.Written.Should().BeEquivalentTo([Fast, Smart, Cheap]);
        first.Unchanged.Should().BeEmpty();
        ProfileWrites().Should().HaveCount(3);

        var conversation = await Workspace.Conversations.StartWithProfileAsync("fast");
        FakeLlm.Enqueue(FakeReply.ToolCall("finish", """{"message": "first"}"""));
        await conversation.SendMessageAsync("One");
        await conversation.RunAsync();

        Recorder.Clear();
        await store.SaveAsync(Smart, FakeLlmConfig("openai/fake-model-d", "sk-test-delta"));
        var second = await Workspace.Profiles.PushAsync(store);

        second.Written.Should().Equal(Smart);
        second.Unchanged.Should().BeEquivalentTo([Fast, Cheap]);
        ProfileWrites().Should().ContainSingle().Which.Path.Should().Be("/api/profiles/smart");
        Recorder.Requests.Where(r => r.Text.Contains("sk-test-", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Text.Should().Contain("sk-test-delta", "only the changed profile's key crosses the wire");

        await conversation.SwitchProfileAsync("smart");
        FakeLlm.Enqueue(FakeReply.ToolCall("finish", """{"message": "second"}"""));
        await conversation.SendMessageAsync("Two");
        var result = await conversation.RunAsync();

        result.FinalAnswer.Should().Be("second");
        FakeLlm.Requests.Select(r => r.Model).Should().Equal("fake-model-a", "fake-model-d");
        FakeLlm.Requests[1].Header("Authorization").Should().Be("Bearer sk-test-delta");
    }

    [Test]
    public async Task Push_Again_Unchanged_SendsZeroProfileWrites()
    {
        await StartFakeLlmAsync();
        using var local = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = local.Path });
        await store.SaveAsync(Fast, FakeLlmConfig(ModelA, "sk-test-alpha"));
        await store.SaveAsync(Smart, FakeLlmConfig(ModelB, apiKey: null));
        await Workspace.Profiles.PushAsync(store);
        Recorder.Clear();

        var again = await Workspace.Profiles.PushAsync(store);

        again.Written.Should().BeEmpty();
        again.Unchanged.Should().BeEquivalentTo([Fast, Smart]);
        ProfileWrites().Should().BeEmpty();
        Recorder.Requests.Should().OnlyContain(r => r.Method == "GET").And.OnlyContain(r => !r.Text.Contains("sk-test", StringComparison.Ordinal));
    }

    [Test]
    public async Task Push_ProfileEditedOnTheServer_WritesItBack()
    {
        await StartFakeLlmAsync();
        using var local = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = local.Path });
        await store.SaveAsync(Fast, FakeLlmConfig(ModelA, "sk-test-alpha"));
        await Workspace.Profiles.PushAsync(store);
        var workspace = Workspace;
        using var other = CreateWorkspace(sessionKey: null);
        await other.Profiles.SaveAsync("fast", FakeLlmConfig(ModelB, "sk-test-other"));

        var again = await workspace.Profiles.PushAsync(store, [Fast]);

        again.Written.Should().Equal(Fast);
        (await workspace.Profiles.GetAsync("fast")).Llm.Model.Should().Be(ModelA);
    }

    [Test]
    public async Task Push_NameNotInTheLocalStore_ThrowsProfileNotFound()
    {
        using var local = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = local.Path });

        var act = () => Workspace.Profiles.PushAsync(store, [ProfileName.Create("ghost")]);

        await act.Should().ThrowAsync<ProfileNotFoundException>();
    }

    private IEnumerable<SentRequest> ProfileWrites() =>
        Recorder.Requests.Where(r => r.Method is "POST" or "PUT" && (r.Path.StartsWith("/api/profiles/", StringComparison.Ordinal) || r.Path.StartsWith("/api/llm-profiles/", StringComparison.Ordinal)));
}
