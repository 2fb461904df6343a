using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>The <see cref="IAgentProfileStore"/> contract on <see cref="AgentProfileStore"/>: one temp folder per test.</summary>
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Category("Profiles")]
public sealed class FileAgentProfileStoreContractTests : AgentProfileStoreContract
{
    private readonly TempDirectory _folder = TempDirectory.Create();

    [TearDown]
    public void Clean() => _folder.Dispose();

    protected override Task<IAgentProfileStore> CreateStoreAsync() =>
        Task.FromResult<IAgentProfileStore>(new AgentProfileStore(_folder.Combine(AgentProfileStore.FolderName)));

    protected override Task<ILlmProfileStore> CreateLlmStoreAsync() =>
        Task.FromResult<ILlmProfileStore>(new LlmProfileStore(new() { Directory = _folder.Combine("profiles"), FlushToDisk = false }));

    protected override async Task<string?> ReadDocumentAsync(string name)
    {
        var path = _folder.Combine(AgentProfileStore.FolderName, ProfileName.Create(name).FileName);
        return File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
    }

    protected override Task WriteDocumentAsync(string name, string text) =>
        File.WriteAllTextAsync(_folder.Combine(AgentProfileStore.FolderName, ProfileName.Create(name).FileName), text);
}
