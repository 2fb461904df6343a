using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.Profiles;

[Parallelizable(ParallelScope.All)]
[Category("Profiles")]
public sealed class ProfileMaterializerTests
{
    private static readonly DateTime LongAgo = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    private static Cipher TestCipher { get; } = new("test-cipher-key-materializer");

    public static IEnumerable<TestCaseData> Stores()
    {
        yield return new TestCaseData(false).SetArgDisplayNames("plaintext store");
        yield return new TestCaseData(true).SetArgDisplayNames("encrypting store");
    }

    [TestCaseSource(nameof(Stores))]
    public async Task MaterializeAsync_RawLlm_StoresItAsDefault(bool encrypt)
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir, encrypt);
        var llm = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-mat-one"), Temperature = 0.2 };

        var reference = await new ProfileMaterializer(store).MaterializeAsync(llm);

        reference.Should().Be(new ProfileReference(ProfileName.Default));
        reference.Name.Value.Should().Be("Default");
        File.Exists(dir.Combine("Default.json")).Should().BeTrue();
        var stored = await store.LoadAsync(reference.Name);
        stored.Should().Be(llm);
        stored.ApiKey!.Reveal().Should().Be("sk-test-mat-one", "the materializer keeps secrets");
    }

    [Test]
    public async Task MaterializeAsync_ExplicitName_StoresItUnderThatName()
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);

        var reference = await new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o-mini"), "fast.json");

        reference.Name.Should().Be(ProfileName.Create("fast"));
        (await store.ListAsync()).Select(n => n.Value).Should().Equal("fast");
    }

    [Test]
    public async Task MaterializeAsync_EditedLlmResolvedFromAProfile_StoresANewProfileAndLeavesTheSourceAlone()
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);
        await store.SaveAsync("work", new Llm("openai/gpt-4o"));
        File.SetLastWriteTimeUtc(dir.Combine("work.json"), LongAgo);
        var before = File.ReadAllBytes(dir.Combine("work.json"));
        var resolved = await new ProfileResolver(store).ResolveAsync("work");
        var edited = resolved with { Temperature = 0.7 };

        var reference = await new ProfileMaterializer(store).MaterializeAsync(edited);

        reference.Name.Should().Be(ProfileName.Default, "the source profile is provenance only, never a target");
        File.ReadAllBytes(dir.Combine("work.json")).Should().Equal(before);
        File.GetLastWriteTimeUtc(dir.Combine("work.json")).Should().Be(LongAgo);
        (await store.LoadAsync("Default")).Temperature.Should().Be(0.7);
    }

    [Test]
    public async Task MaterializeAsync_ExplicitNameAndSourceProfile_ExplicitNameWins()
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);
        await store.SaveAsync("work", new Llm("openai/gpt-4o"));
        var resolved = await store.LoadAsync("work");
        var before = File.ReadAllBytes(dir.Combine("work.json"));

        var reference = await new ProfileMaterializer(store).MaterializeAsync(resolved with { Seed = 7 }, "copy");

        reference.Name.Should().Be(ProfileName.Create("copy"));
        File.ReadAllBytes(dir.Combine("work.json")).Should().Equal(before);
        (await store.LoadAsync("copy")).Seed.Should().Be(7);
    }

    [TestCaseSource(nameof(Stores))]
    public async Task MaterializeAsync_LlmEqualToStoredProfile_WritesNothing(bool encrypt)
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir, encrypt);
        var llm = new Llm("anthropic/claude-sonnet-4-5")
        {
            ApiKey = new SecretString("sk-test-same-one"),
            AwsSecretAccessKey = new SecretString("sk-test-same-aws-one"),
            Temperature = 0.4,
            UsageId = "first",
        };
        await store.SaveAsync("Default", llm);
        File.SetLastWriteTimeUtc(dir.Combine("Default.json"), LongAgo);
        var before = FolderSnapshot.Take(dir.Path);
        var sameButOtherUsage = new Llm("anthropic/claude-sonnet-4-5")
        {
            ApiKey = new SecretString("sk-test-same-one"),
            AwsSecretAccessKey = new SecretString("sk-test-same-aws-one"),
            Temperature = 0.4,
            UsageId = "second",
        };

        var reference = await new ProfileMaterializer(store).MaterializeAsync(sameButOtherUsage);

        reference.Name.Should().Be(ProfileName.Default);
        before.ShouldBeUnchanged("an equal profile is not rewritten");
        File.GetLastWriteTimeUtc(dir.Combine("Default.json")).Should().Be(LongAgo);
    }

    [Test]
    public async Task MaterializeAsync_ResolvedLlmUnchanged_WritesNothing()
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir, encrypt: true);
        await store.SaveAsync("work", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-resolved-one") });
        File.SetLastWriteTimeUtc(dir.Combine("work.json"), LongAgo);
        var before = FolderSnapshot.Take(dir.Path);
        var resolved = await new ProfileResolver(store).ResolveAsync("work");

        await new ProfileMaterializer(store).MaterializeAsync(resolved);

        before.ShouldBeUnchanged();
    }

    [TestCaseSource(nameof(Stores))]
    public async Task MaterializeAsync_DefaultHoldsAnotherKey_StoresAContentNamedProfileAndLeavesDefault(bool encrypt)
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir, encrypt);
        await store.SaveAsync("Default", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-old-one") });
        File.SetLastWriteTimeUtc(dir.Combine("Default.json"), LongAgo);
        var before = FolderSnapshot.Take(dir.Path);

        var reference = await new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-new-one") });

        reference.Name.Value.Should().MatchRegex("^Default-[0-9a-f]{12}$");
        File.ReadAllBytes(dir.Combine("Default.json")).Should().Equal(before.Files["Default.json"].Bytes);
        File.GetLastWriteTimeUtc(dir.Combine("Default.json")).Should().Be(LongAgo);
        (await store.LoadAsync("Default")).ApiKey!.Reveal().Should().Be("sk-test-old-one");
        (await store.LoadAsync(reference.Name)).ApiKey!.Reveal().Should().Be("sk-test-new-one");
        Directory.GetFiles(dir.Path, "*.tmp").Should().BeEmpty();
    }

    [Test]
    public async Task MaterializeAsync_KeyAddedToKeylessDefault_StoresANewProfileAndLeavesDefault()
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);
        await store.SaveAsync("Default", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-redacted-one") }, new() { IncludeSecrets = false });
        var before = File.ReadAllBytes(dir.Combine("Default.json"));

        var reference = await new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-redacted-one") });

        reference.Name.Should().NotBe(ProfileName.Default);
        File.ReadAllBytes(dir.Combine("Default.json")).Should().Equal(before);
        (await store.LoadAsync(reference.Name)).ApiKey!.Reveal().Should().Be("sk-test-redacted-one");
    }

    [Test]
    public async Task MaterializeAsync_KeylessLlmWhileDefaultHasAKey_StoresANewProfileAndKeepsTheKey()
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);
        await store.SaveAsync("Default", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-remove-one") });
        var before = File.ReadAllBytes(dir.Combine("Default.json"));

        var reference = await new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o"));

        File.ReadAllBytes(dir.Combine("Default.json")).Should().Equal(before);
        (await store.LoadAsync(reference.Name)).ApiKey.Should().BeNull();
        File.ReadAllText(dir.Combine(reference.Name.FileName)).Should().NotContain("sk-test-remove-one");
    }

    [TestCase("{ invalid json }")]
    [TestCase("""{"model": "m", "schema_version": 2}""")]
    [TestCase("""{"model": "m", "temperature": "hot"}""")]
    public async Task MaterializeAsync_CorruptStoredProfile_ThrowsInvalidProfileAndLeavesTheFile(string content)
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);
        File.WriteAllText(dir.Combine("Default.json"), content);
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-corrupt-one") });

        (await act.Should().ThrowAsync<InvalidProfileException>()).Which.Message.Should().Contain("'Default'");
        before.ShouldBeUnchanged("a corrupt profile is never overwritten by a materialize");
    }

    [Test]
    public async Task MaterializeAsync_ProfileEncryptedWithAnotherKey_ThrowsSecretDecryptionAndLeavesTheFile()
    {
        using var dir = TempDirectory.Create();
        var writer = new LlmProfileStore(new() { Directory = dir.Path }, new Cipher("the-key-it-was-saved-with"));
        await writer.SaveAsync("Default", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-precious-one") });
        var before = FolderSnapshot.Take(dir.Path);
        var store = Store(dir, encrypt: true);

        var act = () => new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-other-one") });

        var error = (await act.Should().ThrowAsync<SecretDecryptionException>()).Which;
        error.ProfileName.Should().Be("Default");
        error.FieldName.Should().Be("api_key");
        before.ShouldBeUnchanged("a wrong key must not destroy the stored secret");
        (await writer.LoadAsync("Default")).ApiKey!.Reveal().Should().Be("sk-test-precious-one");
    }

    [Test]
    public async Task MaterializeAsync_EncryptedProfileAndNoCipher_ThrowsSecretDecryptionAndLeavesTheFile()
    {
        using var dir = TempDirectory.Create();
        await Store(dir, encrypt: true).SaveAsync("Default", new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-precious-two") });
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => new ProfileMaterializer(Store(dir)).MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-precious-two") });

        await act.Should().ThrowAsync<SecretDecryptionException>();
        before.ShouldBeUnchanged();
    }

    [TestCase("../escape")]
    [TestCase(".hidden")]
    [TestCase("")]
    [TestCase("x.json.json")]
    [TestCase("name with space")]
    public async Task MaterializeAsync_InvalidName_ThrowsInvalidProfileNameAndWritesNothing(string name)
    {
        using var dir = TempDirectory.Create();
        var store = Store(dir);
        var before = FolderSnapshot.Take(dir.Path);

        var act = () => new ProfileMaterializer(store).MaterializeAsync(new Llm("openai/gpt-4o"), name);

        (await act.Should().ThrowAsync<InvalidProfileNameException>()).Which.Name.Should().Be(name);
        before.ShouldBeUnchanged();
    }

    [Test]
    public async Task MaterializeAsync_NullLlm_ThrowsArgumentNull()
    {
        using var dir = TempDirectory.Create();

        var act = () => new ProfileMaterializer(Store(dir)).MaterializeAsync(null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Test]
    public void Constructor_NullStore_ThrowsArgumentNull()
    {
        var act = () => new ProfileMaterializer(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    private static LlmProfileStore Store(TempDirectory dir, bool encrypt = false, ILoggerFactory? loggerFactory = null) =>
        new(new() { Directory = dir.Path }, encrypt ? TestCipher : null, loggerFactory);
}
