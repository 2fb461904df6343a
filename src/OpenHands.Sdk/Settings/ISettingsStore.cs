using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Settings;

/// <summary>
/// Stores the <see cref="PersistedSettings"/> (agent and conversation settings, the active LLM and agent profile pointers)
/// as one document: <see cref="SettingsStore"/> keeps <c>settings.json</c>, a database store keeps one row.
/// </summary>
/// <remarks>
/// Every read sees the newest write of any process or instance; <see cref="UpdateAsync"/> is the read-modify-write that
/// loses no concurrent update. The settings hold no LLM and no key (the LLM is a profile, the key is in the profile).
/// Implementations are thread-safe.
/// </remarks>
public interface ISettingsStore
{
    /// <summary>Loads the settings.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings; defaults when none are stored.</returns>
    /// <exception cref="InvalidSettingsException">The stored settings cannot be read; they were not changed.</exception>
    /// <exception cref="SecretDecryptionException">A legacy embedded LLM's key cannot be decrypted (files only); nothing was changed.</exception>
    Task<PersistedSettings> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the settings.</summary>
    /// <param name="settings">The settings to store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the settings are written.</returns>
    /// <exception cref="StoreBusyException">The store's lock was not free in time.</exception>
    Task SaveAsync(PersistedSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Reads, changes and writes the settings as one step, so that concurrent updates (of any instance) are not lost.</summary>
    /// <param name="update">Returns the new settings from the current ones; it runs while the store's lock is held, so keep it quick and free of I/O.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings as written.</returns>
    /// <exception cref="InvalidSettingsException">The stored settings cannot be read; they were not changed.</exception>
    /// <exception cref="StoreBusyException">The store's lock was not free in time.</exception>
    Task<PersistedSettings> UpdateAsync(Func<PersistedSettings, PersistedSettings> update, CancellationToken cancellationToken = default);

    /// <summary>Makes a profile the active one. Only the pointer is stored: no LLM is copied into the settings.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings as written.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist; nothing was changed.</exception>
    Task<PersistedSettings> ActivateProfileAsync(ProfileName name, CancellationToken cancellationToken = default);

    /// <summary>Returns whether the active profile holds an API key (derived, never stored in the settings).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a profile is active and it holds a key.</returns>
    Task<bool> GetLlmApiKeyIsSetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the LLM that legacy stored settings embed into a profile now, and says what moved where (the CLI runs it before
    /// every command, the agent server at start).
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What moved where, or <see langword="null"/> when the settings embed no LLM (a store that never holds one always says so).</returns>
    /// <exception cref="InvalidSettingsException">The stored settings cannot be read, or their LLM is invalid; nothing was changed.</exception>
    /// <exception cref="SecretDecryptionException">The legacy LLM's key cannot be decrypted; nothing was changed.</exception>
    Task<LegacySettingsMigration?> MigrateLegacyAsync(CancellationToken cancellationToken = default);
}
