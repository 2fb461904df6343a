using System.Text.Json;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>The <see cref="IProviderConnectionStore"/> contract on <see cref="ProviderConnectionStore"/>: one temp folder per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("Profiles")]
public sealed class FileProviderConnectionStoreContractTests : ProviderConnectionStoreContract
{
    private readonly TempDirectory _folder = TempDirectory.Create();

    [TearDown]
    public void Clean() => _folder.Dispose();

    protected override Task<IProviderConnectionStore> CreateStoreAsync(Cipher? cipher = null, ILlmProfileStore? profiles = null, int maxConnections = 64) =>
        Task.FromResult<IProviderConnectionStore>(new ProviderConnectionStore(
            new() { Directory = _folder.Combine("provider-connections"), FlushToDisk = false, MaxConnections = maxConnections }, cipher, profiles));

    protected override Task<ILlmProfileStore> CreateProfileStoreAsync() =>
        Task.FromResult<ILlmProfileStore>(new LlmProfileStore(new() { Directory = _folder.Combine("profiles"), FlushToDisk = false }));

    protected override async Task<List<string?>> ReadStoredKeysAsync()
    {
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(_folder.Combine("provider-connections", ProviderConnectionStore.FileName)));
        return [.. document.RootElement.GetProperty("connections").EnumerateArray().Select(c => c.TryGetProperty("api_key", out var key) ? key.GetString() : null)];
    }
}
