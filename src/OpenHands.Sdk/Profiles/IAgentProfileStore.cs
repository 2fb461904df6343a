namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Stores agent profiles (secret-free launch specs that name an LLM profile): <see cref="AgentProfileStore"/> keeps one
/// file per profile, a database store one row per profile.
/// </summary>
/// <remarks>
/// <para>
/// Every read sees the newest write of any process or instance. The store owns a profile's <see cref="AgentProfile.Id"/>
/// and <see cref="AgentProfile.Revision"/>: a save over a namesake keeps its id and raises its revision, a new profile
/// gets a fresh id and revision 0, a rename keeps both.
/// </para>
/// <para>
/// Writes are serialized by one lock per store, shared by every process or instance. <see cref="WithLockAsync{T}"/> holds
/// it across several steps (the lazy seed, the LLM-profile reference guard); inside, write with
/// <see cref="WriteLockedAsync"/>, never with the other writing methods (they take the lock again and would wait for
/// it). Implementations are thread-safe.
/// </para>
/// </remarks>
public interface IAgentProfileStore
{
    /// <summary>Lists every readable profile, sorted by name; unreadable or invalid records are skipped (and logged).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profiles.</returns>
    Task<IReadOnlyList<AgentProfile>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Loads a profile.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile (migrated to schema version 2).</returns>
    /// <exception cref="AgentProfileNotFoundException">No profile has that name.</exception>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt, invalid or of a newer schema version; it was left as it is.</exception>
    Task<AgentProfile> LoadAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Loads a profile, or returns <see langword="null"/> when none has that name.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt, invalid or of a newer schema version.</exception>
    Task<AgentProfile?> TryLoadAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Finds the profile with an id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile, or <see langword="null"/> when no readable profile has that id.</returns>
    Task<AgentProfile?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a profile under its name. Over a readable namesake the namesake's id is kept and its revision is raised by
    /// one; a new profile gets a fresh id and revision 0, whatever <paramref name="profile"/> says.
    /// </summary>
    /// <param name="profile">The profile.</param>
    /// <param name="maxProfiles">The most profiles the store may hold (an overwrite is always allowed); <see langword="null"/> for no limit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile as stored (its id and revision).</returns>
    /// <exception cref="ProfileLimitExceededException">The profile is new and the store is full.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    Task<AgentProfile> SaveAsync(AgentProfile profile, int? maxProfiles = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a profile; deleting a missing profile does nothing.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The id of the deleted profile, or <see langword="null"/> when there was none (or it could not be read).</returns>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    Task<Guid?> DeleteAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Renames a profile; its id, revision and content are kept.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The renamed profile.</returns>
    /// <exception cref="AgentProfileNotFoundException"><paramref name="name"/> does not exist.</exception>
    /// <exception cref="AgentProfileAlreadyExistsException"><paramref name="newName"/> is taken; nothing changed.</exception>
    /// <exception cref="StoreBusyException">The lock was not free in time.</exception>
    Task<AgentProfile> RenameAsync(ProfileName name, ProfileName newName, CancellationToken cancellationToken = default);

    /// <summary>Returns whether the store holds any profile record at all, readable or not (the lazy seed's emptiness test).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when at least one record is stored.</returns>
    Task<bool> HasAnyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="action"/> holding the store's write lock (every process and instance waits for it); the first
    /// lock of the order agent profiles → LLM profiles.
    /// </summary>
    /// <typeparam name="T">What the action returns.</typeparam>
    /// <param name="action">The steps to run under the lock; it writes with <see cref="WriteLockedAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>What <paramref name="action"/> returned.</returns>
    /// <exception cref="StoreBusyException">The lock was not free in time; the action did not run.</exception>
    Task<T> WithLockAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken = default);

    /// <summary>Writes a profile as it is (its id and revision kept). Call it only inside <see cref="WithLockAsync{T}"/>.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the profile is written.</returns>
    Task WriteLockedAsync(AgentProfile profile, CancellationToken cancellationToken = default);
}
