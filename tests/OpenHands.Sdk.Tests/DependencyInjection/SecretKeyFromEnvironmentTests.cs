using Microsoft.Extensions.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.DependencyInjection;

/// <summary>
/// A host that resolves the secret key from an environment of its own (the CLI's, the server's configuration) turns the
/// process-environment fallback off with a public option (issue 11: the CLI used to register an SDK-internal holder).
/// </summary>
[NonParallelizable]
[Category("DependencyInjection")]
public sealed class SecretKeyFromEnvironmentTests
{
    private string? _saved;

    [SetUp]
    public void SetKey()
    {
        _saved = Environment.GetEnvironmentVariable(SecretKeySource.SecretKeyVariable);
        Environment.SetEnvironmentVariable(SecretKeySource.SecretKeyVariable, "sk-test-process-env-key");
    }

    [TearDown]
    public void RestoreKey() => Environment.SetEnvironmentVariable(SecretKeySource.SecretKeyVariable, _saved);

    [TestCase(true, true)]
    [TestCase(false, false)]
    public async Task AddOpenHands_NoSecretKey_UsesTheProcessEnvironmentOnlyWhenAllowed(bool fromEnvironment, bool encrypted)
    {
        using var dir = TempDirectory.Create();
        await using var provider = new ServiceCollection()
            .AddOpenHands(o => { o.PersistenceDirectory = dir.Path; o.SecretKeyFromEnvironment = fromEnvironment; })
            .Services.BuildServiceProvider();

        await provider.GetRequiredService<ILlmProfileStore>().SaveAsync(
            ProfileName.Create("fast"), new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-env") });

        var file = await File.ReadAllTextAsync(Path.Combine(dir.Path, "profiles", "fast.json"));
        if (encrypted)
        {
            file.Should().Contain("\"api_key\": \"gAAAAA").And.NotContain("sk-test-env");
        }
        else
        {
            file.Should().Contain("\"api_key\": \"sk-test-env\"");
        }
    }

    [Test]
    public async Task AddOpenHands_SecretKeyGivenAndEnvironmentOff_EncryptsWithTheGivenKey()
    {
        using var dir = TempDirectory.Create();
        await using var provider = new ServiceCollection()
            .AddOpenHands(o => { o.PersistenceDirectory = dir.Path; o.SecretKey = "sk-test-given-key"; o.SecretKeyFromEnvironment = false; })
            .Services.BuildServiceProvider();

        await provider.GetRequiredService<ILlmProfileStore>().SaveAsync(
            ProfileName.Create("fast"), new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-env-second") });

        var token = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "profiles", "fast.json")))
            .RootElement.GetProperty("api_key").GetString()!;
        new Cipher("sk-test-given-key").TryDecrypt(token, out var plain).Should().BeTrue();
        plain.Should().Be("sk-test-env-second");
    }

    [Test]
    public async Task AddOpenHands_PreviousSecretKey_ReadsProfilesEncryptedWithTheOldKey()
    {
        using var dir = TempDirectory.Create();
        var profiles = Path.Combine(dir.Path, "profiles");
        Directory.CreateDirectory(profiles);
        var oldToken = new Cipher("sk-test-old-key").Encrypt("sk-test-rotated");
        await File.WriteAllTextAsync(Path.Combine(profiles, "fast.json"), $$"""{"model": "openai/gpt-4o-mini", "api_key": "{{oldToken}}"}""");

        await using var provider = new ServiceCollection()
            .AddOpenHands(o =>
            {
                o.PersistenceDirectory = dir.Path;
                o.SecretKey = "sk-test-new-key";
                o.PreviousSecretKey = "sk-test-old-key";
                o.SecretKeyFromEnvironment = false;
            })
            .Services.BuildServiceProvider();

        var llm = await provider.GetRequiredService<ILlmProfileStore>().LoadAsync(ProfileName.Create("fast"));

        llm.ApiKey!.Reveal().Should().Be("sk-test-rotated");
    }
}
