using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>MaterializeAsync: a raw Llm becomes one server profile; the key crosses at most once.</summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class MaterializeTests : RemoteTestBase
{
    private static Llm Raw(string model = "openai/raw", string? key = "sk-test-mat-1") => new(model) { ApiKey = SecretString.FromNullable(key) };

    private int Saves => Recorder.Requests.Count(r => r.Method == "POST" && r.Path.StartsWith("/api/profiles/", StringComparison.Ordinal) && !r.Path.EndsWith("/activate", StringComparison.Ordinal));

    [Test]
    public async Task MaterializeAsync_RawLlmAndDefaultFree_SavesItAsDefaultOnce()
    {
        var reference = await Workspace.MaterializeAsync(Raw());

        reference.Name.Value.Should().Be("Default");
        Saves.Should().Be(1);
        (await Workspace.GetLlmAsync("Default")).ApiKey!.Reveal().Should().Be("sk-test-mat-1");
    }

    [Test]
    public async Task MaterializeAsync_DefaultHoldsAnotherModel_SavesUnderAStableDerivedNameAndLeavesDefaultAlone()
    {
        await Workspace.SaveProfileAsync("Default", Raw("openai/other", "sk-test-mat-2"));

        var first = await Workspace.MaterializeAsync(Raw());
        var second = await Workspace.MaterializeAsync(Raw());

        first.Name.Value.Should().MatchRegex("^Default-[0-9a-f]{8}$");
        second.Should().Be(first);
        (await Workspace.GetLlmAsync("Default")).Model.Should().Be("openai/other");
        (await Workspace.GetLlmAsync(first.Name.Value)).Model.Should().Be("openai/raw");
    }

    [Test]
    public async Task MaterializeAsync_KeylessAndEqualToTheStoredProfile_WritesNothing()
    {
        await Workspace.MaterializeAsync(Raw(key: null));
        Recorder.Clear();

        var reference = await Workspace.MaterializeAsync(Raw(key: null));

        reference.Name.Value.Should().Be("Default");
        Saves.Should().Be(0);
    }

    [Test]
    public async Task MaterializeAsync_LlmFetchedFromAProfile_StartsFromThatProfileWithoutSendingTheKeyBack()
    {
        await Workspace.SaveProfileAsync("fast", Raw());
        var fetched = await Workspace.GetLlmAsync("fast");
        Recorder.Clear();

        var reference = await Workspace.MaterializeAsync(fetched);

        reference.Name.Value.Should().Be("fast");
        Saves.Should().Be(0);
        Recorder.Requests.Should().OnlyContain(r => !r.Text.Contains("sk-test-mat-1", StringComparison.Ordinal));
    }

    [Test]
    public async Task MaterializeAsync_LlmFromAProfileThatChanged_SavesItUnderThatProfile()
    {
        await Workspace.SaveProfileAsync("fast", Raw());
        var fetched = await Workspace.GetLlmAsync("fast");

        var reference = await Workspace.MaterializeAsync(fetched with { Temperature = 0.5 });

        reference.Name.Value.Should().Be("fast");
        (await Workspace.GetProfileAsync("fast")).Llm.Temperature.Should().Be(0.5);
    }

    [Test]
    public async Task MaterializeAsync_ExplicitName_SavesUnderThatName()
    {
        var reference = await Workspace.MaterializeAsync(Raw(), "mine");

        reference.Name.Value.Should().Be("mine");
        (await Workspace.ListProfilesAsync()).Profiles.Select(p => p.Name.Value).Should().Equal("mine");
    }
}
