using System.Text.Json;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class ProfileResolverTests
{
    private static Cipher TestCipher { get; } = new("test-cipher-key-resolver");

    [Test]
    public async Task ResolveAsync_NamedReference_ReturnsTheProfileWithItsSource()
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir);
        await store.SaveAsync("fast", new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-resolve-one") });

        var llm = await resolver.ResolveAsync(ProfileReference.Create("fast"));

        llm.Model.Should().Be("openai/gpt-4o-mini");
        llm.ApiKey!.Reveal().Should().Be("sk-test-resolve-one");
        llm.SourceProfile.Should().Be(ProfileName.Create("fast"));
    }

    [Test]
    public async Task ResolveAsync_ProfileEditedBetweenResolves_SecondResolveSeesTheEdit()
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir);
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { Temperature = 0.1 });
        var reference = ProfileReference.Create("work");

        var first = await resolver.ResolveAsync(reference);
        await store.SaveAsync("work", new Llm("anthropic/claude-sonnet-4-5") { Temperature = 0.9 });
        var second = await resolver.ResolveAsync(reference);

        first.Model.Should().Be("openai/gpt-4o");
        second.Model.Should().Be("anthropic/claude-sonnet-4-5");
        second.Temperature.Should().Be(0.9);
    }

    [Test]
    public async Task ResolveAsync_KeyRotatedBetweenResolves_SecondResolveSeesTheNewKey()
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir, encrypt: true);
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-rotate-old") });

        var first = await resolver.ResolveAsync("work");
        await store.SaveAsync("work", first with { ApiKey = new SecretString("sk-test-rotate-new") });
        var second = await resolver.ResolveAsync("work");

        first.ApiKey!.Reveal().Should().Be("sk-test-rotate-old");
        second.ApiKey!.Reveal().Should().Be("sk-test-rotate-new");
    }

    [Test]
    public async Task ResolveAsync_KeyRotatedByAnotherStoreInstance_SecondResolveSeesTheNewKey()
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir);
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-rotate-a") });
        await resolver.ResolveAsync("work");

        await new LlmProfileStore(new() { Directory = store.Directory }).SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-rotate-b") });

        (await resolver.ResolveAsync("work")).ApiKey!.Reveal().Should().Be("sk-test-rotate-b");
    }

    [Test]
    public async Task ResolveAsync_NullWithActiveProfile_ReturnsTheActiveProfile()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, resolver) = Arrange(dir);
        await store.SaveAsync("one", new Llm("openai/gpt-4o"));
        await store.SaveAsync("two", new Llm("anthropic/claude-sonnet-4-5"));

        await settings.ActivateProfileAsync(ProfileName.Create("two"));
        var llm = await resolver.ResolveAsync((ProfileReference?)null);

        llm.Model.Should().Be("anthropic/claude-sonnet-4-5");
        llm.SourceProfile.Should().Be(ProfileName.Create("two"));
    }

    [Test]
    public async Task ResolveAsync_NullAfterActivationSwitch_FollowsTheNewPointer()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, resolver) = Arrange(dir);
        await store.SaveAsync("one", new Llm("openai/gpt-4o"));
        await store.SaveAsync("two", new Llm("anthropic/claude-sonnet-4-5"));

        await settings.ActivateProfileAsync(ProfileName.Create("one"));
        var first = await resolver.ResolveAsync((ProfileReference?)null);
        await settings.ActivateProfileAsync(ProfileName.Create("two"));
        var second = await resolver.ResolveAsync((ProfileReference?)null);

        first.Model.Should().Be("openai/gpt-4o");
        second.Model.Should().Be("anthropic/claude-sonnet-4-5");
    }

    [Test]
    public async Task ResolveAsync_NullWithoutActiveProfile_ThrowsProfileNotFoundSayingHowToCreateOne()
    {
        using var dir = TempDirectory.Create();
        var (_, _, resolver) = Arrange(dir);

        var act = () => resolver.ResolveAsync((ProfileReference?)null);

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.ProfileName.Should().BeNull();
        error.Message.Should().Contain("no profile is active").And.Contain("SaveAsync").And.Contain("ActivateProfileAsync");
    }

    [Test]
    public async Task ResolveAsync_NullWithProfilesButNoneActive_ThrowsProfileNotFoundListingThem()
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir);
        await store.SaveAsync("one", new Llm("m"));

        var act = () => resolver.ResolveAsync((ProfileReference?)null);

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.Message.Should().Contain("one").And.Contain("ActivateProfileAsync");
        error.Available.Select(n => n.Value).Should().Equal("one");
    }

    [Test]
    public async Task ResolveAsync_NullAndNoSettingsStore_ThrowsProfileNotFound()
    {
        using var dir = TempDirectory.Create();
        var resolver = new ProfileResolver(new LlmProfileStore(new() { Directory = dir.Path }));

        var act = () => resolver.ResolveAsync((ProfileReference?)null);

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.Message.Should().Contain("Create one");
    }

    [Test]
    public async Task ResolveAsync_UnknownName_ThrowsProfileNotFoundNamingIt()
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir);
        await store.SaveAsync("known", new Llm("m"));

        var act = () => resolver.ResolveAsync(ProfileReference.Create("unknown"));

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("unknown"));
        error.Message.Should().Contain("'unknown'").And.Contain("known");
    }

    [Test]
    public async Task ResolveAsync_ActiveProfileDeleted_ThrowsProfileNotFoundNamingIt()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, resolver) = Arrange(dir);
        await store.SaveAsync("brief", new Llm("m"));
        await settings.ActivateProfileAsync(ProfileName.Create("brief"));
        await store.DeleteAsync("brief");

        var act = () => resolver.ResolveAsync((ProfileReference?)null);

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.Message.Should().Contain("'brief'");
    }

    [Test]
    public async Task ResolveAsync_InvalidNameText_ThrowsInvalidProfileName()
    {
        using var dir = TempDirectory.Create();
        var (_, _, resolver) = Arrange(dir);

        var act = () => resolver.ResolveAsync("../escape");

        await act.Should().ThrowAsync<InvalidProfileNameException>();
    }

    [Test]
    public async Task ActivateProfileAsync_ExistingProfile_StoresOnlyThePointer()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, _) = Arrange(dir);
        await store.SaveAsync("secretive", new Llm("anthropic/claude-sonnet-4-5")
        {
            ApiKey = new SecretString("sk-test-pointer-one"),
            BaseUrl = "https://pointer.example.com",
        });

        var written = await settings.ActivateProfileAsync(ProfileName.Create("secretive"));

        written.ActiveProfile.Should().Be(ProfileName.Create("secretive"));
        var text = File.ReadAllText(settings.FilePath);
        text.Should().NotContain("sk-test-pointer-one").And.NotContain("claude-sonnet").And.NotContain("pointer.example.com");
        using var document = JsonDocument.Parse(text);
        document.RootElement.GetProperty("active_profile").GetString().Should().Be("secretive");
        document.RootElement.GetProperty("agent_settings").TryGetProperty("llm", out _).Should().BeFalse();
        text.Should().NotContain("\"model\"").And.NotContain("api_key");
        (await settings.GetLlmApiKeyIsSetAsync()).Should().BeTrue("the key flag is derived from the profile");
    }

    [Test]
    public async Task ActivateProfileAsync_UnknownProfile_ThrowsProfileNotFoundAndChangesNothing()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, _) = Arrange(dir);
        await store.SaveAsync("known", new Llm("m"));
        await settings.ActivateProfileAsync(ProfileName.Create("known"));
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => settings.ActivateProfileAsync(ProfileName.Create("unknown"));

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.Message.Should().Contain("'unknown'");
        before.ShouldBeUnchanged();
        (await settings.LoadAsync()).ActiveProfile.Should().Be(ProfileName.Create("known"));
    }

    [Test]
    public async Task ResolveAsync_CorruptActiveProfile_ThrowsInvalidProfile()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, resolver) = Arrange(dir);
        await store.SaveAsync("soon-broken", new Llm("m"));
        await settings.ActivateProfileAsync(ProfileName.Create("soon-broken"));
        File.WriteAllText(store.GetPath(ProfileName.Create("soon-broken")), "{ invalid json }");

        var act = () => resolver.ResolveAsync((ProfileReference?)null);

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("'soon-broken'");
    }

    [Test]
    public void Constructor_NullStore_ThrowsArgumentNull()
    {
        var act = () => new ProfileResolver(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    /// <summary>A persistence folder: settings in it, profiles in its <c>profiles</c> subfolder.</summary>
    [Test]
    public async Task ResolveProfileAsync_NullWithActiveProfile_ReturnsTheActiveReferenceExplicitly()
    {
        using var dir = TempDirectory.Create();
        var (store, settings, resolver) = Arrange(dir);
        await store.SaveAsync("two", new Llm("anthropic/claude-sonnet-4-5"));
        await settings.ActivateProfileAsync(ProfileName.Create("two"));

        var resolution = await resolver.ResolveProfileAsync(null);

        resolution.Reference.Should().Be(ProfileReference.Create("two"));
        resolution.Llm.Model.Should().Be("anthropic/claude-sonnet-4-5");
        resolution.IsFallback.Should().BeFalse();
    }

    public enum RestoreCase { Present, Missing, Corrupt, WrongCipher, NoReference }

    [TestCase(RestoreCase.Present)]
    [TestCase(RestoreCase.Missing)]
    [TestCase(RestoreCase.Corrupt)]
    [TestCase(RestoreCase.WrongCipher)]
    [TestCase(RestoreCase.NoReference)]
    public async Task ResolveForRestoreAsync_AnyProfileState_NeverThrowsAndSaysWhyItFellBack(RestoreCase restoreCase)
    {
        using var dir = TempDirectory.Create();
        var (store, _, resolver) = Arrange(dir, encrypt: true);
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-restore-resolve") });
        var snapshot = new Llm("openai/gpt-4o");
        ProfileReference? reference = ProfileReference.Create(restoreCase == RestoreCase.Missing ? "gone" : "work");
        switch (restoreCase)
        {
            case RestoreCase.Corrupt:
                await File.WriteAllTextAsync(store.GetPath(ProfileName.Create("work")), "{ broken");
                break;
            case RestoreCase.WrongCipher:
                resolver = new ProfileResolver(new LlmProfileStore(new() { Directory = store.Directory }, new Cipher("another-cipher-key")));
                break;
            case RestoreCase.NoReference:
                reference = null;
                break;
        }

        var resolution = await resolver.ResolveForRestoreAsync(reference, snapshot);

        resolution.Reference.Should().Be(reference);
        if (restoreCase == RestoreCase.Present)
        {
            resolution.IsFallback.Should().BeFalse();
            resolution.Llm.ApiKey!.Reveal().Should().Be("sk-test-restore-resolve");
        }
        else
        {
            resolution.Llm.Should().BeSameAs(snapshot);
            resolution.FallbackReason.Should().NotBeNullOrWhiteSpace().And.NotContain("sk-test-restore-resolve");
        }
    }

    private static (LlmProfileStore Store, SettingsStore Settings, ProfileResolver Resolver) Arrange(TempDirectory dir, bool encrypt = false)
    {
        var cipher = encrypt ? TestCipher : null;
        var store = new LlmProfileStore(new() { Directory = dir.Combine("profiles") }, cipher);
        var settings = new SettingsStore(new() { Directory = dir.Path }, store, cipher);
        return (store, settings, new ProfileResolver(store, settings));
    }
}
