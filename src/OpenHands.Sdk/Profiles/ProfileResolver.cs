using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Turns a <see cref="ProfileReference"/> into a live <see cref="Llm"/>, reading the store each time: the one resolver
/// that starting, switching and restoring a conversation go through.
/// </summary>
/// <remarks>
/// Nothing is cached and nothing is written: an edited profile or a rotated key takes effect on the next resolve. A
/// profile linked to a provider connection (<see cref="Llm.ProviderConnectionId"/>) takes the connection's key and base
/// URL (the connection's base URL wins, even when it is <see langword="null"/>), read at this moment. A
/// <see langword="null"/> reference means the active profile of the settings, except in
/// <see cref="ResolveForRestoreAsync"/>. Instances are thread-safe.
/// </remarks>
public sealed class ProfileResolver
{
    private readonly ILlmProfileStore _store;
    private readonly ISettingsStore? _settings;
    private readonly IProviderConnectionStore? _connections;

    /// <summary>Initializes a new instance of the <see cref="ProfileResolver"/> class.</summary>
    /// <param name="store">The profile store; use the same instance as every other profile operation.</param>
    /// <param name="settings">Supplies the active profile for a <see langword="null"/> reference; without it, a reference is required.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public ProfileResolver(ILlmProfileStore store, ISettingsStore? settings = null)
        : this(store, settings, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProfileResolver"/> class that resolves provider connections.</summary>
    /// <param name="store">The profile store; use the same instance as every other profile operation.</param>
    /// <param name="settings">Supplies the active profile for a <see langword="null"/> reference; without it, a reference is required.</param>
    /// <param name="connections">Supplies the key and base URL of linked profiles; without it, a linked profile resolves as stored (no key).</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public ProfileResolver(ILlmProfileStore store, ISettingsStore? settings, IProviderConnectionStore? connections)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _settings = settings;
        _connections = connections;
    }

    /// <summary>Gets the provider connections this resolver reads, if any.</summary>
    internal IProviderConnectionStore? Connections => _connections;

    /// <summary>Gets the store this resolver reads (so that owners can check they share one instance).</summary>
    internal ILlmProfileStore Store => _store;

    /// <summary>Resolves a reference, or the active profile when <paramref name="reference"/> is <see langword="null"/>.</summary>
    /// <param name="reference">The profile; <see langword="null"/> for the active one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's newest content, with <see cref="Llm.SourceProfile"/> set.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist, or none was named and none is active.</exception>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt.</exception>
    /// <exception cref="SecretDecryptionException">The stored key cannot be decrypted.</exception>
    /// <exception cref="ProviderConnectionNotFoundException">The profile links to a provider connection that does not exist.</exception>
    public async Task<Llm> ResolveAsync(ProfileReference? reference, CancellationToken cancellationToken = default) =>
        (await ResolveProfileAsync(reference, cancellationToken).ConfigureAwait(false)).Llm;

    /// <summary>Resolves a profile by name.</summary>
    /// <param name="name">The profile's name; one trailing <c>.json</c> is stripped.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's newest content.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    /// <exception cref="ProfileNotFoundException">The profile does not exist.</exception>
    public Task<Llm> ResolveAsync(string name, CancellationToken cancellationToken = default) =>
        ResolveAsync(ProfileReference.Create(name), cancellationToken);

    /// <summary>
    /// Resolves a reference, or the active profile, and says which profile was read: what a conversation started from a
    /// reference keeps in its state.
    /// </summary>
    /// <param name="reference">The profile; <see langword="null"/> for the active one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reference that was read (the active one, for <see langword="null"/>) and its newest content.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist, or none was named and none is active.</exception>
    /// <exception cref="InvalidProfileException">The stored profile is corrupt.</exception>
    /// <exception cref="SecretDecryptionException">The stored key cannot be decrypted.</exception>
    /// <exception cref="ProviderConnectionNotFoundException">The profile links to a provider connection that does not exist.</exception>
    /// <exception cref="InvalidProviderConnectionsException">The provider connections file cannot be read.</exception>
    public async Task<ProfileResolution> ResolveProfileAsync(ProfileReference? reference, CancellationToken cancellationToken = default)
    {
        try
        {
            var name = reference?.Name ?? await GetActiveAsync(cancellationToken).ConfigureAwait(false)
                ?? throw ProfileNotFoundException.NoActiveProfile(await _store.ListAsync(cancellationToken).ConfigureAwait(false));
            var llm = await LoadAsync(name, cancellationToken).ConfigureAwait(false);
            CountResolve(reference is null ? "active" : "named", "ok");
            return new ProfileResolution(reference ?? new ProfileReference(name), llm, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CountResolve(reference is null ? "active" : "named", Outcome(ex));
            throw;
        }
    }

    /// <summary>
    /// Resolves the reference a persisted conversation holds. A profile that is missing, corrupt or encrypted with another
    /// key does not throw: <paramref name="snapshot"/> is returned with the reason.
    /// </summary>
    /// <param name="reference">The persisted reference; <see langword="null"/> when the conversation has none (never the active profile).</param>
    /// <param name="snapshot">The secret-free snapshot persisted with the conversation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The profile's newest content, or the snapshot and a secret-free reason.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is <see langword="null"/>.</exception>
    public async Task<ProfileResolution> ResolveForRestoreAsync(ProfileReference? reference, Llm snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (reference is null)
        {
            return new ProfileResolution(null, snapshot, "the conversation has no LLM profile reference; the secret-free snapshot is used");
        }

        try
        {
            var resolved = new ProfileResolution(reference, await LoadAsync(reference.Name, cancellationToken).ConfigureAwait(false), null);
            CountResolve("restore", "ok");
            return resolved;
        }
        catch (ProfileNotFoundException ex)
        {
            CountResolve("restore", Outcome(ex));
            return new ProfileResolution(reference, snapshot, $"LLM profile '{reference}' no longer exists");
        }
        catch (InvalidProfileException ex)
        {
            CountResolve("restore", Outcome(ex));
            return new ProfileResolution(reference, snapshot, $"LLM profile '{reference}' cannot be read: {ex.Message}");
        }
        catch (SecretDecryptionException ex)
        {
            CountResolve("restore", Outcome(ex));
            return new ProfileResolution(reference, snapshot, $"the key of LLM profile '{reference}' cannot be decrypted with the configured cipher key");
        }
        catch (ProviderConnectionNotFoundException ex)
        {
            CountResolve("restore", Outcome(ex));
            return new ProfileResolution(reference, snapshot, ex.Message);
        }
        catch (InvalidProviderConnectionsException ex)
        {
            CountResolve("restore", Outcome(ex));
            return new ProfileResolution(reference, snapshot, $"the provider connection of LLM profile '{reference}' cannot be read");
        }
    }

    /// <summary>Counts one resolve on <c>openhands.profile.resolves</c> (never the profile's content).</summary>
    private static void CountResolve(string kind, string outcome) =>
        SdkTelemetry.ProfileResolves.Add(1, new KeyValuePair<string, object?>("openhands.resolve.kind", kind), new KeyValuePair<string, object?>(SdkTelemetry.Outcome, outcome));

    private static string Outcome(Exception ex) => ex switch
    {
        ProfileNotFoundException => "not_found",
        InvalidProfileException => "invalid",
        SecretDecryptionException => "decryption_failed",
        ProviderConnectionNotFoundException => "connection_not_found",
        InvalidProviderConnectionsException => "connection_invalid",
        _ => "error",
    };

    /// <summary>
    /// Gives a linked LLM its provider connection's key and base URL, read now: the one place that does it, for every
    /// resolve of this resolver and for the agent server's checks.
    /// </summary>
    /// <exception cref="ProviderConnectionNotFoundException">The connection does not exist and the LLM carries no key of its own.</exception>
    internal async Task<Llm> ApplyConnectionAsync(ProfileName name, Llm llm, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(llm.ProviderConnectionId) || _connections is null)
        {
            return llm;
        }

        var connection = await _connections.GetAsync(llm.ProviderConnectionId, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            // Only an in-memory LLM can carry a key of its own here: a saved linked profile never stores one.
            return llm.ApiKey is not null ? llm : throw new ProviderConnectionNotFoundException(llm.ProviderConnectionId, name);
        }

        return llm with { ApiKey = connection.ApiKey ?? llm.ApiKey, BaseUrl = connection.BaseUrl };
    }

    private async Task<Llm> LoadAsync(ProfileName name, CancellationToken cancellationToken) =>
        await ApplyConnectionAsync(name, await _store.LoadAsync(name, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private async Task<ProfileName?> GetActiveAsync(CancellationToken cancellationToken) =>
        _settings is null ? null : (await _settings.LoadAsync(cancellationToken).ConfigureAwait(false)).ActiveProfile;
}
