using OpenHands.Sdk.Profiles.Internal;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Operations every <see cref="IAgentProfileStore"/> supports through its lock: the lazy seed of an empty store, and the
/// LLM profile deletes and renames that must not leave an agent profile referring to a name that is gone.
/// </summary>
public static class AgentProfileStoreExtensions
{
    /// <summary>
    /// Saves the first profile of an empty store (a lazy seed, such as the agent server's <c>default</c>): under the store
    /// lock, and only while the store holds no record at all (readable or not), calls <paramref name="create"/> and
    /// writes the profile it returns.
    /// </summary>
    /// <param name="store">The agent profile store.</param>
    /// <param name="create">Builds the profile, or returns <see langword="null"/> to create none; runs under the store lock.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile written, or <see langword="null"/> when the store was not empty or <paramref name="create"/> returned none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="create"/> is <see langword="null"/>.</exception>
    /// <exception cref="StoreBusyException">The store lock was not free in time.</exception>
    public static Task<AgentProfile?> CreateFirstAsync(
        this IAgentProfileStore store, Func<CancellationToken, Task<AgentProfile?>> create, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(create);
        return store.WithLockAsync(
            async () =>
            {
                if (await store.HasAnyAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                var profile = await create(cancellationToken).ConfigureAwait(false);
                if (profile is not null)
                {
                    await store.WriteLockedAsync(profile, cancellationToken).ConfigureAwait(false);
                }

                return profile;
            },
            cancellationToken);
    }

    /// <summary>
    /// Deletes an LLM profile unless an OpenHands agent profile refers to it by name: checked and deleted under the agent
    /// profile store's lock, then the LLM profiles' (the Python lock order), so no agent profile starts referring to it meanwhile.
    /// </summary>
    /// <param name="store">The agent profile store.</param>
    /// <param name="llms">The LLM profile store.</param>
    /// <param name="name">The LLM profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the LLM profile existed and was deleted.</returns>
    /// <exception cref="LlmProfileInUseException">An agent profile refers to it; nothing was deleted.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public static Task<bool> DeleteLlmProfileAsync(this IAgentProfileStore store, ILlmProfileStore llms, ProfileName name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(llms);
        return LlmProfileReferences.DeleteAsync(store, llms, name, cancellationToken);
    }

    /// <summary>
    /// Renames an LLM profile, then rewrites every OpenHands agent profile that referred to the old name (id and revision
    /// kept), under the agent profile store's lock.
    /// </summary>
    /// <param name="store">The agent profile store.</param>
    /// <param name="llms">The LLM profile store.</param>
    /// <param name="name">The LLM profile.</param>
    /// <param name="newName">Its new name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many agent profiles were rewritten.</returns>
    /// <exception cref="ProfileNotFoundException">The LLM profile does not exist; nothing was changed.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    public static Task<int> RenameLlmProfileAsync(
        this IAgentProfileStore store, ILlmProfileStore llms, ProfileName name, ProfileName newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(llms);
        return LlmProfileReferences.RenameAsync(store, llms, name, newName, cancellationToken);
    }
}
