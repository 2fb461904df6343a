using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles.Internal;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Turns an <see cref="Llm"/> built in code into a stored profile, so that only a <see cref="ProfileReference"/>
/// crosses persistence and REST boundaries. The only code that picks a profile name for an <see cref="Llm"/>.
/// </summary>
/// <remarks>
/// <para>The policy, the same on every path (conversations, legacy settings, <c>switch_llm</c>, the server, the CLI):</para>
/// <list type="bullet">
/// <item>A stored profile equal to the LLM (secrets included, <see cref="Llm.UsageId"/> ignored) is reused and nothing is
/// written. Candidates are the profile the LLM came from (<see cref="Llm.SourceProfile"/>, provenance only), <c>Default</c>
/// and the LLM's content name.</item>
/// <item>A stored profile whose content differs is never replaced, unless the caller names it and sets
/// <see cref="ProfileMaterializeOptions.ReplaceExisting"/>.</item>
/// <item>Otherwise the LLM is created as <c>Default</c> when that name is free, else under its content name: <c>Default-</c>
/// and 12 hex digits of a domain-separated SHA-256 of its content, key included. So two different LLMs never share a
/// profile, the same LLM always lands in the same one, and the name reveals nothing about the key.</item>
/// </list>
/// <para>
/// New profiles are written with <see cref="ProfileSaveOptions.CreateOnly"/>: of two processes materializing different
/// LLMs at once, one gets <c>Default</c> and the other chooses again. A stored profile that cannot be read (corrupt, or
/// encrypted with another key) is never overwritten: the call fails with the load error. The chosen name is returned and
/// logged. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class ProfileMaterializer
{
    private const int MaxRounds = 8;

    private readonly ILlmProfileStore _store;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ProfileMaterializer"/> class.</summary>
    /// <param name="store">The profile store; use the same instance as every other profile operation.</param>
    /// <param name="loggerFactory">Receives log messages; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public ProfileMaterializer(ILlmProfileStore store, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _logger = loggerFactory?.CreateLogger<ProfileMaterializer>() ?? NullLogger<ProfileMaterializer>.Instance;
    }

    /// <summary>Stores <paramref name="llm"/> as a profile unless an equal profile is already stored.</summary>
    /// <param name="llm">The configuration.</param>
    /// <param name="name">
    /// The profile to use; <see langword="null"/> lets the policy choose. A named profile that holds a different
    /// configuration is left as it is and the call fails (use the overload with <see cref="ProfileMaterializeOptions"/> to replace it).
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reference to keep instead of <paramref name="llm"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    /// <exception cref="ProfileAlreadyExistsException">The named profile holds a different configuration; it was left as it is.</exception>
    /// <exception cref="InvalidProfileException">A stored candidate profile is corrupt; it was left as it is.</exception>
    /// <exception cref="Security.SecretDecryptionException">A stored candidate profile cannot be decrypted; it was left as it is.</exception>
    public Task<ProfileReference> MaterializeAsync(Llm llm, string? name = null, CancellationToken cancellationToken = default) =>
        MaterializeAsync(llm, new ProfileMaterializeOptions { Name = name }, cancellationToken);

    /// <summary>Stores <paramref name="llm"/> as a profile unless an equal profile is already stored.</summary>
    /// <param name="llm">The configuration.</param>
    /// <param name="options">The profile to use and whether it may be replaced.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reference to keep instead of <paramref name="llm"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="ProfileMaterializeOptions.ReplaceExisting"/> is set without a <see cref="ProfileMaterializeOptions.Name"/>.</exception>
    /// <exception cref="InvalidProfileNameException">The name is not a valid profile name.</exception>
    /// <exception cref="ProfileAlreadyExistsException">The named profile holds a different configuration and replacing was not asked for; it was left as it is.</exception>
    /// <exception cref="InvalidProfileException">A stored candidate profile is corrupt; it was left as it is.</exception>
    /// <exception cref="Security.SecretDecryptionException">A stored candidate profile cannot be decrypted; it was left as it is.</exception>
    public async Task<ProfileReference> MaterializeAsync(Llm llm, ProfileMaterializeOptions options, CancellationToken cancellationToken = default) =>
        new((await MaterializeCoreAsync(llm, options, cancellationToken).ConfigureAwait(false)).Name);

    /// <summary>The policy; also tells whether a profile was written (the legacy migration reports it).</summary>
    internal async Task<Materialized> MaterializeCoreAsync(Llm llm, ProfileMaterializeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(llm);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ReplaceExisting && options.Name is null)
        {
            throw new ArgumentException("ReplaceExisting needs the Name of the profile to replace: a raw LLM never replaces a profile the materializer picks.", nameof(options));
        }

        var named = options.Name is null ? (ProfileName?)null : ProfileName.Create(options.Name);
        for (var round = 0; round < MaxRounds; round++)
        {
            var outcome = named is { } n
                ? await IntoNamedAsync(llm, n, options.ReplaceExisting, cancellationToken).ConfigureAwait(false)
                : await IntoChosenAsync(llm, cancellationToken).ConfigureAwait(false);
            if (outcome is { } chosen)
            {
                return chosen;
            }
        }

        throw new InvalidOperationException(
            $"Profiles kept being created under the candidate names while the LLM ({llm.Model}) was being stored; nothing was written. Try again.");
    }

    /// <summary>One round for a named profile; <see langword="null"/> when another writer created it meanwhile.</summary>
    private async Task<Materialized?> IntoNamedAsync(Llm llm, ProfileName name, bool replace, CancellationToken cancellationToken)
    {
        var stored = await _store.TryLoadAsync(name, cancellationToken).ConfigureAwait(false);
        if (stored is not null && stored.Equals(llm))
        {
            _logger.MaterializeReused(llm.Model, name.Value);
            return new Materialized(name, Written: false);
        }

        if (stored is null)
        {
            return await TryCreateAsync(name, llm, cancellationToken).ConfigureAwait(false) ? new Materialized(name, Written: true) : null;
        }

        if (!replace)
        {
            throw new ProfileAlreadyExistsException(name,
                $"LLM profile '{name}' already holds a different configuration; it was left as it is. Fix: leave the name out to store "
                + "this LLM under a profile of its own, or set ProfileMaterializeOptions.ReplaceExisting to replace it.");
        }

        await _store.SaveAsync(name, llm, options: null, cancellationToken).ConfigureAwait(false);
        _logger.MaterializeReplaced(llm.Model, name.Value);
        return new Materialized(name, Written: true);
    }

    /// <summary>One round of the policy's own choice; <see langword="null"/> when another writer took the chosen name meanwhile.</summary>
    private async Task<Materialized?> IntoChosenAsync(Llm llm, CancellationToken cancellationToken)
    {
        if (llm.SourceProfile is { } source && source != ProfileName.Default
            && await _store.TryLoadAsync(source, cancellationToken).ConfigureAwait(false) is { } origin && origin.Equals(llm))
        {
            _logger.MaterializeReused(llm.Model, source.Value);
            return new Materialized(source, Written: false);
        }

        var atDefault = await _store.TryLoadAsync(ProfileName.Default, cancellationToken).ConfigureAwait(false);
        if (atDefault is not null && atDefault.Equals(llm))
        {
            _logger.MaterializeReused(llm.Model, ProfileName.Default.Value);
            return new Materialized(ProfileName.Default, Written: false);
        }

        // The content name is looked at even while Default is free: another path may have stored this LLM there.
        ProfileName? free = null;
        foreach (var candidate in ProfileNaming.ContentNames(ProfileNaming.Fingerprint(llm)))
        {
            var stored = await _store.TryLoadAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                free = candidate;
                break;
            }

            if (stored.Equals(llm))
            {
                _logger.MaterializeReused(llm.Model, candidate.Value);
                return new Materialized(candidate, Written: false);
            }
        }

        var target = atDefault is null ? ProfileName.Default
            : free ?? throw new InvalidOperationException($"Every content name of the LLM ({llm.Model}) holds another configuration; nothing was written.");
        return await TryCreateAsync(target, llm, cancellationToken).ConfigureAwait(false) ? new Materialized(target, Written: true) : null;
    }

    private async Task<bool> TryCreateAsync(ProfileName name, Llm llm, CancellationToken cancellationToken)
    {
        try
        {
            await _store.SaveAsync(name, llm, new ProfileSaveOptions { CreateOnly = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProfileAlreadyExistsException)
        {
            _logger.MaterializeRaced(name.Value);
            return false;
        }

        _logger.MaterializeCreated(llm.Model, name.Value);
        return true;
    }

    /// <summary>The profile an LLM is in, and whether this call wrote it.</summary>
    internal readonly record struct Materialized(ProfileName Name, bool Written);
}
