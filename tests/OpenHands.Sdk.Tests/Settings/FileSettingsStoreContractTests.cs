using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Tests.Settings;

/// <summary>The <see cref="ISettingsStore"/> contract on <see cref="SettingsStore"/>: one temp folder per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("Settings")]
public sealed class FileSettingsStoreContractTests : SettingsStoreContract
{
    private readonly TempDirectory _folder = TempDirectory.Create();

    [TearDown]
    public void Clean() => _folder.Dispose();

    protected override Task<ISettingsStore> CreateStoreAsync(ILlmProfileStore profiles) =>
        Task.FromResult<ISettingsStore>(new SettingsStore(new SettingsStoreOptions { Directory = _folder.Path }, profiles));

    protected override Task<ILlmProfileStore> CreateProfileStoreAsync() =>
        Task.FromResult<ILlmProfileStore>(new LlmProfileStore(new() { Directory = _folder.Combine("profiles"), FlushToDisk = false }));

    protected override async Task<string?> ReadDocumentAsync()
    {
        var path = _folder.Combine(SettingsStore.FileName);
        return File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
    }

    protected override Task WriteDocumentAsync(string text) => File.WriteAllTextAsync(_folder.Combine(SettingsStore.FileName), text);
}
