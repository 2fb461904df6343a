using System.Text;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>The <see cref="ILlmProfileStore"/> contract on <see cref="LlmProfileStore"/>: one temp folder per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("Profiles")]
public sealed class FileLlmProfileStoreContractTests : LlmProfileStoreContract
{
    private readonly TempDirectory _folder = TempDirectory.Create();

    [TearDown]
    public void Clean() => _folder.Dispose();

    protected override Task<ILlmProfileStore> CreateStoreAsync(Cipher? cipher = null) =>
        Task.FromResult<ILlmProfileStore>(new LlmProfileStore(new() { Directory = _folder.Path, FlushToDisk = false }, cipher));

    protected override async Task<string?> ReadDocumentAsync(string name)
    {
        var path = _folder.Combine(ProfileName.Create(name).FileName);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, Encoding.UTF8) : null;
    }

    protected override Task WriteDocumentAsync(string name, string text) => File.WriteAllTextAsync(_folder.Combine(ProfileName.Create(name).FileName), text);
}
