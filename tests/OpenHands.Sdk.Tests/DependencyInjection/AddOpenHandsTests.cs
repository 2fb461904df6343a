using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Tests.Support;

namespace OpenHands.Sdk.Tests.DependencyInjection;

[Parallelizable(ParallelScope.All)]
[Category("DependencyInjection")]
public sealed class AddOpenHandsTests
{
    [Test]
    public async Task AddOpenHands_WithSecretKey_SharesOneStoreAndEncryptsAtRest()
    {
        using var dir = TempDirectory.Create();
        await using var provider = new ServiceCollection()
            .AddOpenHands(o => { o.PersistenceDirectory = dir.Path; o.SecretKey = "sk-test-di-cipher"; })
            .Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<ILlmProfileStore>();
        var materializer = provider.GetRequiredService<ProfileMaterializer>();
        var settings = provider.GetRequiredService<ISettingsStore>();
        var resolver = provider.GetRequiredService<ProfileResolver>();

        var reference = await materializer.MaterializeAsync(new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-di-one") });
        await settings.ActivateProfileAsync(reference.Name);
        var resolved = await resolver.ResolveAsync(reference: null);

        resolved.ApiKey!.Reveal().Should().Be("sk-test-di-one");
        provider.GetRequiredService<ILlmProfileStore>().Should().BeSameAs(store);
        var file = await File.ReadAllTextAsync(Path.Combine(dir.Path, "profiles", "Default.json"));
        file.Should().Contain("\"api_key\": \"gAAAAA").And.NotContain("sk-test-di-one");
        new Cipher("sk-test-di-cipher").TryDecrypt(
            System.Text.Json.JsonDocument.Parse(file).RootElement.GetProperty("api_key").GetString()!, out var plain).Should().BeTrue();
        plain.Should().Be("sk-test-di-one");
        settings.Should().BeOfType<SettingsStore>().Which.FilePath.Should().Be(Path.Combine(dir.Path, "settings.json"));
    }

    [Test]
    public void AddOpenHands_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddOpenHands().Services.AddOpenHands();

        services.Count(d => d.ServiceType == typeof(ILlmProfileStore)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<OpenHandsOptions>)).Should().Be(1);
    }

    [Test]
    public void AddOpenHands_InvalidOptions_FailsWithEveryProblemNamed()
    {
        using var dir = TempDirectory.Create();
        var file = dir.Combine("not-a-folder");
        File.WriteAllText(file, "x");
        using var provider = new ServiceCollection()
            .AddOpenHands(o => { o.LockTimeout = TimeSpan.Zero; o.ProfilesDirectory = file; o.SecretKey = "  "; })
            .Services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<OpenHandsOptions>>().Value;

        act.Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("LockTimeout").And.Contain("names a file").And.Contain("SecretKey is blank");
    }

    [Test]
    public void AddOpenHands_NullServices_Throws()
    {
        var act = () => OpenHandsServiceCollectionExtensions.AddOpenHands(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
