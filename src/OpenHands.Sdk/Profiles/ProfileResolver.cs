using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Profiles;

/// <summary>Turns a <see cref="ProfileReference"/> into a live <see cref="Llm"/>, reading the store each time.</summary>
/// <remarks>
/// Nothing is cached: an edited profile or a rotated key takes effect on the next resolve. A <see langword="null"/>
/// reference means the active profile of the settings. Instances are thread-safe.
/// </remarks>
public sealed class ProfileResolver
{
    private readonly ILlmProfileStore _store;
    private readonly SettingsStore? _settings;

    /// <summary>Initializes a new instance of the <see cref="ProfileResolver"/> class.</summary>
    /// <param name="store">The profile store; use the same instance as every other profile operation.</param>
    /// <param name="settings">Supplies the active profile for a <see langword="null"/> reference; without it, a reference is required.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public ProfileResolver(ILlmProfileStore store, SettingsStore? settings = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _settings = settings;
    }

    /// <summary>Resolves a reference, or the active profile when <paramref name="reference"/> is <see langword="null"/>.</summary>
    /// <param name="reference">The profile; <see langword="null"/> for the active one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's newest content, with <see cref="Llm.SourceProfile"/> set.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist, or none was named and none is active.</exception>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt.</exception>
    /// <exception cref="Security.SecretDecryptionException">The stored key cannot be decrypted.</exception>
    public async Task<Llm> ResolveAsync(ProfileReference? reference, CancellationToken cancellationToken = default)
    {
        var name = reference?.Name ?? await GetActiveAsync(cancellationToken).ConfigureAwait(false)
            ?? throw ProfileNotFoundException.NoActiveProfile(await _store.ListAsync(cancellationToken).ConfigureAwait(false));
        return await _store.LoadAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves a profile by name.</summary>
    /// <param name="name">The profile's name; one trailing <c>.json</c> is stripped.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's newest content.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    /// <exception cref="ProfileNotFoundException">The profile does not exist.</exception>
    public Task<Llm> ResolveAsync(string name, CancellationToken cancellationToken = default) =>
        ResolveAsync(ProfileReference.Create(name), cancellationToken);

    private async Task<ProfileName?> GetActiveAsync(CancellationToken cancellationToken) =>
        _settings is null ? null : (await _settings.LoadAsync(cancellationToken).ConfigureAwait(false)).ActiveProfile;
}
