using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Tests.Support;

/// <summary>A real profile store that counts the saves made through it (every call goes to the real files).</summary>
public sealed class CountingStore(ILlmProfileStore inner) : ILlmProfileStore
{
    private int _saves;

    /// <summary>Gets how many saves reached the store (failed create-only saves included).</summary>
    public int Saves => Volatile.Read(ref _saves);

    public Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default) => inner.ListSummariesAsync(cancellationToken);

    public Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default) => inner.LoadAsync(name, cancellationToken);

    public Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default) => inner.TryLoadAsync(name, cancellationToken);

    public Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _saves);
        return inner.SaveAsync(name, llm, options, cancellationToken);
    }

    public Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default) => inner.RenameAsync(name, newName, cancellationToken);

    public Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default) => inner.ExistsAsync(name, cancellationToken);
}
