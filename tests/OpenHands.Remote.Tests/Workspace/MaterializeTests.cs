using OpenHands.Remote.Tests.Support;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Remote.Tests.Workspace;

/// <summary>
/// MaterializeAsync: the SDK's materialization policy over REST. The server never shows keys, so only provable equality
/// counts: a server profile that differs (or whose key cannot be compared) is never overwritten, an unchanged LLM is
/// never saved twice, and the key crosses the wire at most once, in one create-only save.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Remote")]
public sealed class MaterializeTests : RemoteTestBase
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    private static Llm Raw(string model = "openai/raw", string? key = "sk-test-mat-1") => new(model) { ApiKey = SecretString.FromNullable(key) };

    private int Saves => Saved(Recorder).Count();

    private string ProfilesDir => Path.Combine(Dir.Path, "profiles");

    [Test]
    public async Task MaterializeAsync_KeylessRawLlmAndDefaultFree_SavesItAsDefaultOnce()
    {
        var reference = await Workspace.Profiles.MaterializeAsync(Raw(key: null));

        reference.Name.Value.Should().Be("Default");
        Saves.Should().Be(1);
        Saved(Recorder).Single().Header("If-None-Match").Should().Be("*", "a new profile is created, never overwritten");
    }

    [Test]
    public async Task MaterializeAsync_RawLlmWithKey_SavesItOnceUnderItsContentNameAndAnotherClientReusesIt()
    {
        var reference = await Workspace.Profiles.MaterializeAsync(Raw());
        var firstRecorder = Recorder;
        var other = CreateWorkspace(null);   // another client: knows nothing this one saw

        var again = await other.Profiles.MaterializeAsync(Raw() with { UsageId = "other-client" });

        reference.Name.Value.Should().MatchRegex("^Default-[0-9a-f]{12}$", "the name, derived from the whole content, vouches for the key");
        again.Should().Be(reference);
        Saved(firstRecorder).Should().ContainSingle();
        Saves.Should().Be(0, "the same LLM is never saved twice");
        (await Workspace.Profiles.LoadAsync(reference.Name.Value)).ApiKey!.Reveal().Should().Be("sk-test-mat-1");
    }

    [Test]
    public async Task MaterializeAsync_DefaultAndUsersActiveProfileDiffer_BothStayByteIdentical()
    {
        await Workspace.Profiles.SaveAsync("Default", Raw("openai/other", "sk-test-mat-2"));
        await Workspace.Profiles.SaveAsync("mine", Raw("openai/mine", "sk-test-mat-3"));
        await Workspace.Profiles.ActivateAsync("mine");
        var before = AgedProfiles();

        var first = await CreateWorkspace(null).Profiles.MaterializeAsync(Raw());
        var second = await CreateWorkspace(null).Profiles.MaterializeAsync(Raw(key: null));

        first.Name.Value.Should().MatchRegex("^Default-[0-9a-f]{12}$");
        second.Name.Value.Should().MatchRegex("^Default-[0-9a-f]{12}$").And.NotBe(first.Name.Value);
        foreach (var (file, (bytes, written)) in before)
        {
            File.ReadAllBytes(file).Should().Equal(bytes, "{0} must not change", file);
            File.GetLastWriteTimeUtc(file).Should().Be(written);
        }
    }

    [Test]
    public async Task MaterializeAsync_TwoClientsWithLlmsDifferingOnlyInKey_GetTwoProfiles()
    {
        var a = await Workspace.Profiles.MaterializeAsync(Raw(key: "sk-test-client-a"));
        var b = await CreateWorkspace(null).Profiles.MaterializeAsync(Raw(key: "sk-test-client-b"));

        b.Should().NotBe(a, "keys are never swapped between clients");
        (await Workspace.Profiles.LoadAsync(a.Name.Value)).ApiKey!.Reveal().Should().Be("sk-test-client-a");
        (await Workspace.Profiles.LoadAsync(b.Name.Value)).ApiKey!.Reveal().Should().Be("sk-test-client-b");
    }

    [Test]
    public async Task MaterializeAsync_KeylessAndEqualToTheStoredProfile_WritesNothing()
    {
        await Workspace.Profiles.MaterializeAsync(Raw(key: null));
        Recorder.Clear();

        var reference = await CreateWorkspace(null).Profiles.MaterializeAsync(Raw(key: null));

        reference.Name.Value.Should().Be("Default");
        Saves.Should().Be(0);
    }

    [Test]
    public async Task MaterializeAsync_LlmFetchedFromAProfile_StartsFromThatProfileWithoutSendingTheKeyBack()
    {
        await Workspace.Profiles.SaveAsync("fast", Raw());
        var fetched = await Workspace.Profiles.LoadAsync("fast");
        Recorder.Clear();

        var reference = await Workspace.Profiles.MaterializeAsync(fetched);

        reference.Name.Value.Should().Be("fast");
        Saves.Should().Be(0);
        Recorder.Requests.Should().OnlyContain(r => !r.Text.Contains("sk-test-mat-1", StringComparison.Ordinal));
    }

    [Test]
    public async Task MaterializeAsync_LlmFromAProfileThatChanged_SavesANewProfileAndLeavesThatOne()
    {
        await Workspace.Profiles.SaveAsync("fast", Raw());
        var fetched = await Workspace.Profiles.LoadAsync("fast");

        var reference = await Workspace.Profiles.MaterializeAsync(fetched with { Temperature = 0.5 });

        reference.Name.Value.Should().NotBe("fast");
        (await Workspace.Profiles.GetAsync("fast")).Llm.Temperature.Should().BeNull("the source profile is provenance, never a target");
        (await Workspace.Profiles.GetAsync(reference.Name.Value)).Llm.Temperature.Should().Be(0.5);
    }

    [Test]
    public async Task MaterializeAsync_ExplicitName_SavesUnderThatName()
    {
        var reference = await Workspace.Profiles.MaterializeAsync(Raw(), "mine");

        reference.Name.Value.Should().Be("mine");
        (await Workspace.Profiles.ListAsync()).Profiles.Select(p => p.Name.Value).Should().Equal("mine");
    }

    [Test]
    public async Task MaterializeAsync_ExplicitNameHoldingAnotherConfiguration_ThrowsSayingHowToReplaceAndLeavesIt()
    {
        await Workspace.Profiles.SaveAsync("mine", Raw("openai/mine", "sk-test-mine"));
        var before = AgedProfiles();

        var act = () => CreateWorkspace(null).Profiles.MaterializeAsync(Raw(), "mine");

        var error = (await act.Should().ThrowAsync<ProfileAlreadyExistsException>()).Which;
        error.Message.Should().Contain("'mine'").And.Contain("ReplaceExisting").And.NotContain("sk-test");
        Saves.Should().Be(0);
        File.ReadAllBytes(before.Keys.Single()).Should().Equal(before.Values.Single().Bytes);
    }

    [Test]
    public async Task MaterializeAsync_ExplicitNameWithReplaceExisting_ReplacesIt()
    {
        await Workspace.Profiles.SaveAsync("mine", Raw("openai/mine", "sk-test-mine"));

        var reference = await CreateWorkspace(null).Profiles.MaterializeAsync(Raw(key: "sk-test-rotated"), new ProfileMaterializeOptions { Name = "mine", ReplaceExisting = true });

        reference.Name.Value.Should().Be("mine");
        (await Workspace.Profiles.LoadAsync("mine")).ApiKey!.Reveal().Should().Be("sk-test-rotated");
    }

    [Test]
    public async Task MaterializeAsync_TwoClientsCreateDefaultAtOnce_NeitherOverwritesTheOther()
    {
        var workspaces = new[] { CreateWorkspace(null), CreateWorkspace(null) };
        var llms = new[] { Raw("openai/first", key: null), Raw("openai/second", key: null) };

        var names = await Task.WhenAll(workspaces.Select((w, i) => w.Profiles.MaterializeAsync(llms[i])));

        names.Select(n => n.Name).Distinct().Should().HaveCount(2);
        for (var i = 0; i < 2; i++)
        {
            (await Workspace.Profiles.GetAsync(names[i].Name.Value)).Llm.Model.Should().Be(llms[i].Model);
        }
    }

    private static IEnumerable<SentRequest> Saved(RecordingHandler recorder) =>
        recorder.Requests.Where(r => r.Method == "POST" && r.Path.StartsWith("/api/profiles/", StringComparison.Ordinal) && r.Path.Count(c => c == '/') == 3);

    private Dictionary<string, (byte[] Bytes, DateTime Written)> AgedProfiles()
    {
        var files = new Dictionary<string, (byte[], DateTime)>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(ProfilesDir, "*.json"))
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
            files[file] = (File.ReadAllBytes(file), LongAgo);
        }

        return files;
    }
}
