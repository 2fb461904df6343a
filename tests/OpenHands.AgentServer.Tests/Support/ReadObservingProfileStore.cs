using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Tests.Support;

/// <summary>
/// The server's real profile store, with a callback awaited after every read of a profile (whether it was found or not),
/// so a race test can run a change between a start's read of the profile and the rest of the start. Everything else goes
/// straight through.
/// </summary>
public sealed class ReadObservingProfileStore(ILlmProfileStore inner, Func<ProfileName, Task> afterRead) : ILlmProfileStore
{
    public Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default) => inner.ListSummariesAsync(cancellationToken);

    public async Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.LoadAsync(name, cancellationToken);
        }
        finally
        {
            await afterRead(name);
        }
    }

    public async Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.TryLoadAsync(name, cancellationToken);
        }
        finally
        {
            await afterRead(name);
        }
    }

    public Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.SaveAsync(name, llm, options, cancellationToken);

    public Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default) =>
        inner.RenameAsync(name, newName, cancellationToken);

    public Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default) => inner.ExistsAsync(name, cancellationToken);
}
