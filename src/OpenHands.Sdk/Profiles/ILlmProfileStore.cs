using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Stores LLM profiles: the one source of truth for LLM configuration. Everything else holds a
/// <see cref="ProfileReference"/> and resolves it here.
/// </summary>
/// <remarks>
/// <see cref="LlmProfileStore"/> keeps one Python-compatible JSON file per profile. Implement this interface to keep
/// profiles elsewhere (a database, a secret vault). Implementations are thread-safe.
/// </remarks>
public interface ILlmProfileStore
{
    /// <summary>Lists the names of the stored profiles, sorted ordinally.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The names.</returns>
    Task<IReadOnlyList<ProfileName>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists what each readable profile holds, without any secret; unreadable profiles are skipped.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One summary per readable profile, sorted by name.</returns>
    Task<IReadOnlyList<LlmProfileSummary>> ListSummariesAsync(CancellationToken cancellationToken = default);

    /// <summary>Loads a profile.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configuration, with <see cref="Llm.SourceProfile"/> set to <paramref name="name"/>.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist.</exception>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt or has a wrong shape.</exception>
    /// <exception cref="Security.SecretDecryptionException">A stored secret cannot be decrypted with the configured key.</exception>
    Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Loads a profile, or returns <see langword="null"/> when it does not exist.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configuration, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt or has a wrong shape.</exception>
    /// <exception cref="Security.SecretDecryptionException">A stored secret cannot be decrypted with the configured key.</exception>
    Task<Llm?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Creates or overwrites a profile (only creates with <see cref="ProfileSaveOptions.CreateOnly"/>).</summary>
    /// <param name="name">The profile.</param>
    /// <param name="llm">The configuration to store.</param>
    /// <param name="options">Whether secrets are kept, the most profiles allowed and whether only a new profile may be written; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the profile is durably stored.</returns>
    /// <remarks>
    /// Implementations check <see cref="ProfileSaveOptions.CreateOnly"/> and <see cref="ProfileSaveOptions.MaxProfiles"/>
    /// atomically with the write (under the store's lock), so that concurrent creators of one name never both succeed.
    /// </remarks>
    /// <exception cref="ProfileAlreadyExistsException"><see cref="ProfileSaveOptions.CreateOnly"/> is set and the profile exists; it was left as it is.</exception>
    /// <exception cref="ProfileLimitExceededException">The profile is new and the store is full.</exception>
    /// <exception cref="StoreBusyException">The store lock was not free in time.</exception>
    Task SaveAsync(ProfileName name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a profile; deleting a missing profile does nothing.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a profile was deleted.</returns>
    /// <exception cref="StoreBusyException">The store lock was not free in time.</exception>
    Task<bool> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Renames a profile; its content is unchanged. Renaming to the same name does nothing.</summary>
    /// <param name="name">The existing profile.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the profile is renamed.</returns>
    /// <exception cref="ProfileNotFoundException"><paramref name="name"/> does not exist.</exception>
    /// <exception cref="ProfileAlreadyExistsException"><paramref name="newName"/> is taken; nothing was changed.</exception>
    /// <exception cref="StoreBusyException">The store lock was not free in time.</exception>
    Task RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default);

    /// <summary>Returns whether a profile exists.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    Task<bool> ExistsAsync(ProfileName name, CancellationToken cancellationToken = default);
}
