using System.Text.Json;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class LlmProfileStoreTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly Cipher StoreCipher = new("test-cipher-key-store-tests");

    // ---- folder and file modes (spec case 14) ----

    [Test]
    public void Constructor_MissingFolder_CreatesItWithMode0700()
    {
        using var dir = TempDirectory.Create();
        var folder = dir.Combine("nested", "profiles");

        var store = new LlmProfileStore(new() { Directory = folder });

        Directory.Exists(folder).Should().BeTrue();
        store.Directory.Should().Be(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(folder).Should().Be(Mode0700);
        }
    }

    [Test]
    public async Task Constructor_ExistingFolder_KeepsItsFilesAndMode()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("kept.json"), """{"model": "openai/gpt-4o"}""");
        var modeBefore = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(dir.Path);

        var store = new LlmProfileStore(new() { Directory = dir.Path });

        (await store.LoadAsync("kept")).Model.Should().Be("openai/gpt-4o");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(dir.Path).Should().Be(modeBefore);
        }
    }

    [Test]
    public async Task SaveAsync_NewAndOverwrittenAndRenamedFiles_HaveMode0600()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("a", Key(new Llm("openai/gpt-4o")));
        File.GetUnixFileMode(dir.Combine("a.json")).Should().Be(Mode0600);
        File.GetUnixFileMode(dir.Combine(LlmProfileStore.LockFileName)).Should().Be(Mode0600);

        await store.SaveAsync("a", new Llm("openai/gpt-4o-mini"));
        File.GetUnixFileMode(dir.Combine("a.json")).Should().Be(Mode0600);

        await store.RenameAsync("a", "b");
        File.GetUnixFileMode(dir.Combine("b.json")).Should().Be(Mode0600);
    }

    // ---- list (spec case 15) ----

    [Test]
    public async Task ListAsync_EmptyStore_ReturnsEmpty()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        (await store.ListAsync()).Should().BeEmpty();
        (await store.ListSummariesAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task ListAsync_AfterSaves_ReturnsNamesSortedOrdinally()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        foreach (var name in new[] { "profile2", "b", "profile1", "A", "a.b", "a-b" })
        {
            await store.SaveAsync(name, new Llm("openai/gpt-4o"));
        }

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("A", "a-b", "a.b", "b", "profile1", "profile2");
    }

    [Test]
    public async Task ListAsync_StrayFiles_AreIgnored()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("real", new Llm("openai/gpt-4o"));
        var stray = new[]
        {
            "notes.txt", "real.json.bak", "tmp0123abcd.tmp", "tmpdeadbeef.tmp", ".hidden.json", "bad@name.json",
            "-dash.json", "x.json.json", "CON.json", "名前.json", "README", ".profiles.lock.json",
        };
        foreach (var file in stray)
        {
            File.WriteAllText(dir.Combine(file), """{"model": "openai/gpt-4o"}""");
        }

        Directory.CreateDirectory(dir.Combine("folder.json"));

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("real");
        (await store.ListSummariesAsync()).Select(s => s.Name.Value).Should().Equal("real");
    }

    // ---- save format (spec cases 16, 22, 23) ----

    [Test]
    public async Task SaveAsync_Profile_WritesSchemaVersion1ModelAndOptions()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("gpt", new Llm("openai/gpt-4o") { Temperature = 0.25, MaxOutputTokens = 1234 });

        using var document = JsonDocument.Parse(File.ReadAllBytes(dir.Combine("gpt.json")));
        var root = document.RootElement;
        root.GetProperty("schema_version").GetInt32().Should().Be(1);
        root.GetProperty("model").GetString().Should().Be("openai/gpt-4o");
        root.GetProperty("temperature").GetDouble().Should().Be(0.25);
        root.GetProperty("max_output_tokens").GetInt32().Should().Be(1234);
        root.TryGetProperty("name", out _).Should().BeFalse("the file name is the profile's name");
    }

    [Test]
    public async Task SaveAsync_ThenLoad_RoundTripsEveryCommonField()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        var llm = new Llm("anthropic/claude-sonnet-4-5")
        {
            ApiKey = new SecretString("sk-test-roundtrip-one"),
            BaseUrl = "https://proxy.example.com/v1",
            UsageId = "agent",
            Temperature = 0.5,
            TopP = 0.9,
            MaxOutputTokens = 4096,
            NumRetries = 3,
            AwsSecretAccessKey = new SecretString("sk-test-aws-one"),
            ExtraHeaders = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("X-Team", "core"),
        };

        await store.SaveAsync("claude", llm);
        var loaded = await store.LoadAsync("claude");

        loaded.Should().Be(llm);
        loaded.UsageId.Should().Be("agent");
        loaded.ApiKey!.Reveal().Should().Be("sk-test-roundtrip-one");
        loaded.AwsSecretAccessKey!.Reveal().Should().Be("sk-test-aws-one");
        loaded.ExtraHeaders.Should().Contain("X-Team", "core");
    }

    [Test]
    public async Task SaveAsync_ExistingProfile_OverwritesIt()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("p", new Llm("openai/gpt-4o") { Temperature = 0.1 });

        await store.SaveAsync("p", new Llm("openai/gpt-4o-mini") { Temperature = 0.9 });

        var loaded = await store.LoadAsync("p");
        loaded.Model.Should().Be("openai/gpt-4o-mini");
        loaded.Temperature.Should().Be(0.9);
        (await store.ListAsync()).Should().ContainSingle();
    }

    [Test]
    public async Task SaveAsync_WithoutCipher_StoresTheKeyInPlaintext()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("p", Key(new Llm("openai/gpt-4o"), "sk-test-plain-one"));

        store.EncryptsSecrets.Should().BeFalse();
        File.ReadAllText(dir.Combine("p.json")).Should().Contain("\"api_key\": \"sk-test-plain-one\"");
    }

    [Test]
    public async Task SaveAsync_WithCipher_StoresATokenThatDecryptsToTheKey()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, StoreCipher);

        await store.SaveAsync("p", Key(new Llm("openai/gpt-4o"), "sk-test-cipher-one"));

        store.EncryptsSecrets.Should().BeTrue();
        var text = File.ReadAllText(dir.Combine("p.json"));
        text.Should().NotContain("sk-test-cipher-one");
        using var document = JsonDocument.Parse(text);
        var token = document.RootElement.GetProperty("api_key").GetString()!;
        token.Should().StartWith(Cipher.TokenPrefix);
        StoreCipher.TryDecrypt(token, out var plain).Should().BeTrue();
        plain.Should().Be("sk-test-cipher-one");
        (await store.LoadAsync("p")).ApiKey!.Reveal().Should().Be("sk-test-cipher-one");
    }

    [Test]
    public async Task SaveAsync_IncludeSecretsFalse_WritesSentinelAndLoadsBackWithoutKey()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, StoreCipher);
        var llm = Key(new Llm("openai/gpt-4o"), "sk-test-redact-one") with { AwsSessionToken = new SecretString("sk-test-redact-aws-one") };

        await store.SaveAsync("p", llm, new ProfileSaveOptions { IncludeSecrets = false });

        var text = File.ReadAllText(dir.Combine("p.json"));
        text.Should().NotContain("sk-test-redact").And.NotContain(Cipher.TokenPrefix);
        using (var document = JsonDocument.Parse(text))
        {
            document.RootElement.GetProperty("api_key").GetString().Should().Be("**********");
            document.RootElement.GetProperty("aws_session_token").GetString().Should().Be("**********");
        }

        var loaded = await store.LoadAsync("p");
        loaded.ApiKey.Should().BeNull();
        loaded.AwsSessionToken.Should().BeNull();
        (await store.ListSummariesAsync()).Single().ApiKeySet.Should().BeFalse();
    }

    [Test]
    public async Task SaveAsync_ManySaves_LeaveNoTempFiles()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        for (var i = 0; i < 20; i++)
        {
            await store.SaveAsync($"p{i % 4}", new Llm("openai/gpt-4o") { Seed = i });
        }

        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().BeEquivalentTo(
            [".profiles.lock", "p0.json", "p1.json", "p2.json", "p3.json"]);
    }

    [Test]
    public async Task SaveAsync_ConcurrentSavesOfDifferentProfiles_AllSucceed()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => store.SaveAsync($"p{i}", new Llm("openai/gpt-4o") { Seed = i }))));

        (await store.ListAsync()).Should().HaveCount(10);
        Directory.GetFiles(dir.Path, "*.tmp").Should().BeEmpty();
        for (var i = 0; i < 10; i++)
        {
            (await store.LoadAsync($"p{i}")).Seed.Should().Be(i);
        }
    }

    [Test]
    public async Task LoadAndSave_ConcurrentOnOneProfile_ReadersAlwaysSeeAWholeProfile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("shared", new Llm("openai/gpt-4o") { Seed = 0 });
        // A second instance on the same folder, as another component or process would have.
        var other = new LlmProfileStore(new() { Directory = dir.Path });

        var writers = Enumerable.Range(1, 5).Select(i => Task.Run(() => store.SaveAsync("shared", new Llm("openai/gpt-4o") { Seed = i })));
        var readers = Enumerable.Range(0, 5).Select(_ => Task.Run(async () => (await other.LoadAsync("shared")).Model));

        await Task.WhenAll(writers);
        (await Task.WhenAll(readers)).Should().OnlyContain(m => m == "openai/gpt-4o");
        (await store.LoadAsync("shared")).Seed.Should().BeInRange(1, 5);
        Directory.GetFiles(dir.Path, "*.tmp").Should().BeEmpty();
    }

    [Test]
    public async Task SaveAsync_FinalReplaceFails_ErrorPropagatesAndNoTempFileRemains()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        Directory.CreateDirectory(dir.Combine("blocked.json")); // the rename onto it fails

        var act = () => store.SaveAsync("blocked", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-blocked-one") });

        await act.Should().ThrowAsync<IOException>();
        Directory.GetFiles(dir.Path, "*.tmp").Should().BeEmpty();
        Directory.Exists(dir.Combine("blocked.json")).Should().BeTrue();
    }

    [Test]
    public async Task SaveAsync_LockHeldElsewhere_ThrowsStoreBusyAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path, LockTimeout = TimeSpan.FromMilliseconds(200) });
        await store.SaveAsync("existing", new Llm("m"));
        var before = FolderSnapshot.Take(dir.Path);

        StoreBusyException error;
        using (new FileStream(dir.Combine(LlmProfileStore.LockFileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var act = () => store.SaveAsync("new", new Llm("m"));
            error = (await act.Should().ThrowAsync<StoreBusyException>()).Which;
        }

        error.LockPath.Should().Be(dir.Combine(LlmProfileStore.LockFileName));
        error.Message.Should().Contain(LlmProfileStore.LockFileName);
        before.ShouldBeUnchanged();
        await store.SaveAsync("new", new Llm("m")); // free again once the holder lets go
    }

    [Test]
    public async Task LoadAsync_LockHeldElsewhere_StillReads()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path, LockTimeout = TimeSpan.FromMilliseconds(200) });
        await store.SaveAsync("existing", new Llm("openai/gpt-4o"));

        using var holder = new FileStream(dir.Combine(LlmProfileStore.LockFileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        (await store.LoadAsync("existing")).Model.Should().Be("openai/gpt-4o");
        (await store.ListSummariesAsync()).Should().ContainSingle();
    }

    // ---- names and the .json alias (spec case 21) ----

    [Test]
    public async Task SaveAsync_NameWithJsonSuffix_WritesOneFileThatBothFormsReach()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        await store.SaveAsync("my_profile.json", new Llm("openai/gpt-4o"));

        File.Exists(dir.Combine("my_profile.json")).Should().BeTrue();
        File.Exists(dir.Combine("my_profile.json.json")).Should().BeFalse();
        (await store.LoadAsync("my_profile")).Model.Should().Be("openai/gpt-4o");
        (await store.LoadAsync("my_profile.json")).SourceProfile.Should().Be(ProfileName.Create("my_profile"));
        (await store.ExistsAsync("my_profile")).Should().BeTrue();
        (await store.ExistsAsync("my_profile.json")).Should().BeTrue();

        (await store.DeleteAsync("my_profile.json")).Should().BeTrue();

        (await store.ExistsAsync("my_profile")).Should().BeFalse();
    }

    [Test]
    public async Task LoadAsync_ExistingProfile_SetsSourceProfile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("fast", new Llm("openai/gpt-4o-mini"));

        (await store.LoadAsync("fast")).SourceProfile.Should().Be(ProfileName.Create("fast"));
        (await store.TryLoadAsync(ProfileName.Create("fast")))!.SourceProfile.Should().Be(ProfileName.Create("fast"));
    }

    [Test]
    public async Task GetPath_Name_IsTheFileInTheFolder()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("x", new Llm("m"));

        store.GetPath(ProfileName.Create("x.json")).Should().Be(dir.Combine("x.json"));
        File.Exists(store.GetPath(ProfileName.Create("x"))).Should().BeTrue();
    }

    // ---- load missing (spec case 24) ----

    [Test]
    public async Task LoadAsync_MissingProfile_ThrowsProfileNotFoundListingAvailableNamesAndHowToCreate()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("alpha", new Llm("m"));
        await store.SaveAsync("beta", new Llm("m"));

        var act = () => store.LoadAsync("gamma");

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("gamma"));
        error.Available.Select(n => n.Value).Should().Equal("alpha", "beta");
        error.Message.Should().Contain("'gamma'").And.Contain("not found").And.Contain("alpha").And.Contain("beta");
        error.Message.Should().Contain("SaveAsync").And.Contain("openhands profiles add gamma");
    }

    [Test]
    public async Task LoadAsync_MissingProfileInEmptyStore_SaysNoneAreAvailable()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => store.LoadAsync("gamma");

        (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which.Message.Should().Contain("Available profiles: none");
    }

    [Test]
    public async Task TryLoadAsync_MissingProfile_ReturnsNull()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        (await store.TryLoadAsync(ProfileName.Create("ghost"))).Should().BeNull();
        (await store.ExistsAsync("ghost")).Should().BeFalse();
    }

    // ---- delete (spec case 26) ----

    [Test]
    public async Task DeleteAsync_TwiceOnOneProfile_ReturnsTrueThenFalse()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("gone", new Llm("m"));
        await store.SaveAsync("stays", new Llm("m"));

        (await store.DeleteAsync("gone")).Should().BeTrue();
        (await store.DeleteAsync("gone")).Should().BeFalse();

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("stays");
    }

    [Test]
    public async Task DeleteAsync_MissingProfile_ReturnsFalseAndChangesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("stays", new Llm("m"));
        var before = FolderSnapshot.Take(dir.Path);

        (await store.DeleteAsync("never-was")).Should().BeFalse();

        before.ShouldBeUnchanged();
    }

    // ---- rename (spec cases 28, 29) ----

    [Test]
    public async Task RenameAsync_ExistingProfile_MovesTheFileWithItsSecretsUnchanged()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path }, StoreCipher);
        await store.SaveAsync("old", Key(new Llm("openai/gpt-4o") { Temperature = 0.3 }, "sk-test-rename-one"));
        var bytes = File.ReadAllBytes(dir.Combine("old.json"));

        await store.RenameAsync("old", "new");

        File.Exists(dir.Combine("old.json")).Should().BeFalse();
        File.ReadAllBytes(dir.Combine("new.json")).Should().Equal(bytes);
        var loaded = await store.LoadAsync("new");
        loaded.ApiKey!.Reveal().Should().Be("sk-test-rename-one");
        loaded.Temperature.Should().Be(0.3);
        loaded.SourceProfile.Should().Be(ProfileName.Create("new"));
        (await store.ListAsync()).Select(n => n.Value).Should().Equal("new");
    }

    [Test]
    public async Task RenameAsync_MissingSource_ThrowsProfileNotFoundNamingItAndChangesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("other", new Llm("m"));
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => store.RenameAsync("ghost", "target");

        var error = (await act.Should().ThrowAsync<ProfileNotFoundException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("ghost"));
        error.Message.Should().Contain("'ghost'");
        before.ShouldBeUnchanged();
    }

    [Test]
    public async Task RenameAsync_ExistingTarget_ThrowsProfileAlreadyExistsAndKeepsBothFiles()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", Key(new Llm("openai/gpt-4o"), "sk-test-a-one"));
        await store.SaveAsync("b", Key(new Llm("anthropic/claude-sonnet-4-5"), "sk-test-b-one"));
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => store.RenameAsync("a", "b.json");

        var error = (await act.Should().ThrowAsync<ProfileAlreadyExistsException>()).Which;
        error.ProfileName.Should().Be(ProfileName.Create("b"));
        error.Message.Should().Contain("'b'");
        before.ShouldBeUnchanged();
        (await store.LoadAsync("a")).ApiKey!.Reveal().Should().Be("sk-test-a-one");
        (await store.LoadAsync("b")).ApiKey!.Reveal().Should().Be("sk-test-b-one");
    }

    [TestCase("same", "same")]
    [TestCase("same", "same.json")]
    [TestCase("same.json", "same")]
    public async Task RenameAsync_SameName_DoesNothing(string from, string to)
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("same", new Llm("m"));
        var before = FolderSnapshot.Take(dir.Path);

        await store.RenameAsync(from, to);

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("same");
        before.ShouldBeUnchanged();
    }

    [Test]
    public async Task RenameAsync_SameNameOfMissingProfile_ThrowsProfileNotFound()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => store.RenameAsync("ghost", "ghost");

        await act.Should().ThrowAsync<ProfileNotFoundException>();
    }

    // ---- profile limit (spec cases 32, 33) ----

    [Test]
    public async Task SaveAsync_NewProfileAtTheLimit_ThrowsProfileLimitExceededAndWritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", new Llm("m"));
        await store.SaveAsync("b", new Llm("m"));
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => store.SaveAsync("c", new Llm("m"), new ProfileSaveOptions { MaxProfiles = 2 });

        var error = (await act.Should().ThrowAsync<ProfileLimitExceededException>()).Which;
        error.Limit.Should().Be(2);
        error.ProfileName.Should().Be(ProfileName.Create("c"));
        error.Message.Should().Contain("(2)").And.Contain("'c'");
        before.ShouldBeUnchanged("a refused save leaves no file and no temp file");
    }

    [Test]
    public async Task SaveAsync_OverwriteAtTheLimit_IsAllowed()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", new Llm("m"));
        await store.SaveAsync("b", new Llm("m"));

        await store.SaveAsync("a.json", new Llm("openai/gpt-4o"), new ProfileSaveOptions { MaxProfiles = 2 });

        (await store.LoadAsync("a")).Model.Should().Be("openai/gpt-4o");
    }

    [Test]
    public async Task SaveAsync_UnderTheLimit_IsAllowed()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", new Llm("m"));

        await store.SaveAsync("b", new Llm("m"), new ProfileSaveOptions { MaxProfiles = 5 });

        (await store.ListAsync()).Should().HaveCount(2);
    }

    [Test]
    public async Task SaveAsync_LimitZero_RefusesEveryNewProfile()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var act = () => store.SaveAsync("a", new Llm("m"), new ProfileSaveOptions { MaxProfiles = 0 });

        await act.Should().ThrowAsync<ProfileLimitExceededException>();
        (await store.ListAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task SaveAsync_StrayInvalidNamedFiles_DoNotCountTowardTheLimit()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("a", new Llm("m"));
        foreach (var stray in new[] { ".hidden.json", "bad@name.json", "x.json.json", "notes.txt", "tmp00aa.tmp" })
        {
            File.WriteAllText(dir.Combine(stray), """{"model": "m"}""");
        }

        await store.SaveAsync("b", new Llm("m"), new ProfileSaveOptions { MaxProfiles = 2 });

        (await store.ListAsync()).Select(n => n.Value).Should().Equal("a", "b");
    }

    // ---- summaries (spec cases 18, 30, 31) ----

    [Test]
    public async Task ListSummariesAsync_Profiles_ReportModelBaseUrlAndKeyPresenceWithoutSecrets()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        await store.SaveAsync("keyed", Key(new Llm("openai/gpt-4o") { BaseUrl = "https://llm.example.com" }, "sk-test-summary-one"));
        await store.SaveAsync("keyless", new Llm("anthropic/claude-sonnet-4-5"));
        await store.SaveAsync("redacted", Key(new Llm("openai/gpt-4o-mini"), "sk-test-summary-two"), new ProfileSaveOptions { IncludeSecrets = false });

        var summaries = await store.ListSummariesAsync();

        summaries.Should().Equal(
            new LlmProfileSummary(ProfileName.Create("keyed"), "openai/gpt-4o", "https://llm.example.com", null, ApiKeySet: true),
            new LlmProfileSummary(ProfileName.Create("keyless"), "anthropic/claude-sonnet-4-5", null, null, ApiKeySet: false),
            new LlmProfileSummary(ProfileName.Create("redacted"), "openai/gpt-4o-mini", null, null, ApiKeySet: false));
        foreach (var summary in summaries)
        {
            summary.ToString().Should().NotContain("sk-test-summary");
        }
    }

    [Test]
    public async Task ListSummariesAsync_EncryptedKey_CountsAsSetWithOrWithoutTheCipher()
    {
        using var dir = TempDirectory.Create();
        var encrypting = new LlmProfileStore(new() { Directory = dir.Path }, StoreCipher);
        await encrypting.SaveAsync("enc", Key(new Llm("openai/gpt-4o"), "sk-test-summary-enc-one"));
        var plain = new LlmProfileStore(new() { Directory = dir.Path });

        (await encrypting.ListSummariesAsync()).Single().ApiKeySet.Should().BeTrue();
        var summary = (await plain.ListSummariesAsync()).Single();
        summary.ApiKeySet.Should().BeTrue("ciphertext counts as a key");
        summary.ToString().Should().NotContain("sk-test-summary-enc").And.NotContain(Cipher.TokenPrefix);
    }

    [Test]
    public async Task ListSummariesAsync_BlankOrSentinelKeyInFile_CountsAsNotSet()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        File.WriteAllText(dir.Combine("blank.json"), """{"model": "m", "api_key": "   "}""");
        File.WriteAllText(dir.Combine("empty.json"), """{"model": "m", "api_key": ""}""");
        File.WriteAllText(dir.Combine("nullkey.json"), """{"model": "m", "api_key": null}""");
        File.WriteAllText(dir.Combine("sentinel.json"), """{"model": "m", "api_key": "**********"}""");

        var summaries = await store.ListSummariesAsync();

        summaries.Should().HaveCount(4).And.OnlyContain(s => !s.ApiKeySet);
    }

    [Test]
    public async Task ListSummariesAsync_LegacyProxyProfile_IsCanonicalizedLikeLoad()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        File.WriteAllText(
            dir.Combine("legacy.json"),
            """{"schema_version": 1, "model": "litellm_proxy/claude-opus-4-8", "base_url": "https://llm-proxy.app.all-hands.dev/"}""");

        var summaries = await store.ListSummariesAsync();
        var loaded = await store.LoadAsync("legacy");

        summaries.Should().Equal(new LlmProfileSummary(ProfileName.Create("legacy"), "openhands/claude-opus-4-8", null, null, false));
        loaded.Model.Should().Be("openhands/claude-opus-4-8");
        loaded.BaseUrl.Should().BeNull();
    }

    [Test]
    public async Task ListSummariesAsync_CustomProxyAlias_IsKept()
    {
        using var dir = TempDirectory.Create();
        var store = new LlmProfileStore(new() { Directory = dir.Path });
        File.WriteAllText(dir.Combine("custom.json"), """{"model": "litellm_proxy/custom-alias", "base_url": "https://proxy.example.com/"}""");

        (await store.ListSummariesAsync()).Single().Should().Be(
            new LlmProfileSummary(ProfileName.Create("custom"), "litellm_proxy/custom-alias", "https://proxy.example.com/", null, false));
        (await store.LoadAsync("custom")).BaseUrl.Should().Be("https://proxy.example.com/");
    }

    [Test]
    public async Task LoadAsync_PythonWrittenProfiles_LoadWithTheirSourceProfile()
    {
        using var dir = TempDirectory.Create();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.Python, "profiles", "plaintext")))
        {
            File.Copy(file, dir.Combine(Path.GetFileName(file)));
        }

        var store = new LlmProfileStore(new() { Directory = dir.Path });

        var names = await store.ListAsync();
        names.Should().NotBeEmpty();
        (await store.ListSummariesAsync()).Select(s => s.Name).Should().Equal(names, "every Python-written profile is readable");
        foreach (var name in names)
        {
            (await store.LoadAsync(name)).SourceProfile.Should().Be(name);
        }
    }

    // ---- location rules ----

    [Test]
    public void ProfilesDirectory_ExplicitFolder_WinsOverEverything()
    {
        using var dir = TempDirectory.Create();
        var env = Env(("OH_LLM_PROFILES_PATH", "/env/profiles"), ("OH_PERSISTENCE_DIR", "/env/persist"));

        OpenHandsPaths.ProfilesDirectory(dir.Path, "/configured/persist", env).Should().Be(dir.Path);
    }

    [Test]
    public void ProfilesDirectory_ProfilesPathVariable_WinsOverPersistence()
    {
        var env = Env(("OH_LLM_PROFILES_PATH", "/env/profiles"), ("OH_PERSISTENCE_DIR", "/env/persist"));

        OpenHandsPaths.ProfilesDirectory(null, "/configured/persist", env).Should().Be(Path.GetFullPath("/env/profiles"));
    }

    [Test]
    public void ProfilesDirectory_ConfiguredPersistence_GivesItsProfilesSubfolder()
    {
        var env = Env(("OH_PERSISTENCE_DIR", "/env/persist"));

        OpenHandsPaths.ProfilesDirectory(null, "/configured/persist", env).Should().Be(Path.GetFullPath("/configured/persist/profiles"));
    }

    [Test]
    public void ProfilesDirectory_PersistenceVariable_GivesItsProfilesSubfolder()
    {
        var env = Env(("OH_PERSISTENCE_DIR", "/data"));

        OpenHandsPaths.ProfilesDirectory(null, null, env).Should().Be(Path.GetFullPath("/data/profiles"));
        OpenHandsPaths.PersistenceDirectory(null, env).Should().Be(Path.GetFullPath("/data"));
    }

    [Test]
    public void ProfilesDirectory_NothingSet_IsTheHomeOpenHandsProfilesFolder()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        OpenHandsPaths.ProfilesDirectory(null, null, Env()).Should().Be(Path.Combine(home, ".openhands", "profiles"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void ProfilesDirectory_BlankValues_AreIgnored(string blank)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var env = Env(("OH_LLM_PROFILES_PATH", blank), ("OH_PERSISTENCE_DIR", blank));

        OpenHandsPaths.ProfilesDirectory(blank, blank, env).Should().Be(Path.Combine(home, ".openhands", "profiles"));
    }

    [Test]
    public void ProfilesDirectory_TildePath_ExpandsToHome()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        OpenHandsPaths.ProfilesDirectory(null, null, Env(("OH_LLM_PROFILES_PATH", "~/my-profiles")))
            .Should().Be(Path.GetFullPath(home + "/my-profiles"));
    }

    [Test]
    public void ProfilesDirectory_RelativePath_BecomesAbsolute()
    {
        OpenHandsPaths.ProfilesDirectory("relative/profiles", null, Env()).Should().Be(Path.GetFullPath("relative/profiles"));
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    private static Llm Key(Llm llm, string key = "sk-test-store-one") => llm with { ApiKey = new SecretString(key) };
}
