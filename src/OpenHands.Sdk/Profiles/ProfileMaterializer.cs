using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// Turns an <see cref="Llm"/> built in code into a stored profile, so that only a <see cref="ProfileReference"/>
/// crosses persistence and REST boundaries.
/// </summary>
/// <remarks>
/// <para>
/// The target profile is the name given, else the profile the <see cref="Llm"/> was resolved from
/// (<see cref="Llm.SourceProfile"/>), else <c>Default</c>. When the stored profile already equals the
/// <see cref="Llm"/> (secrets included, <see cref="Llm.UsageId"/> ignored) nothing is written.
/// </para>
/// <para>
/// A stored profile that cannot be read (corrupt, or encrypted with another key) is never overwritten: the call
/// fails with the load error, so a wrong key cannot destroy a stored secret. Instances are thread-safe.
/// </para>
/// </remarks>
public sealed class ProfileMaterializer
{
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
    /// <param name="name">The profile name; <see langword="null"/> for the profile <paramref name="llm"/> came from, else <c>Default</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reference to keep instead of <paramref name="llm"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    /// <exception cref="InvalidProfileException">The stored profile of that name is corrupt; it was left as it is.</exception>
    /// <exception cref="Security.SecretDecryptionException">The stored profile of that name cannot be decrypted; it was left as it is.</exception>
    public async Task<ProfileReference> MaterializeAsync(Llm llm, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var target = name is not null ? ProfileName.Create(name) : llm.SourceProfile ?? ProfileName.Default;
        var stored = await _store.TryLoadAsync(target, cancellationToken).ConfigureAwait(false);
        if (stored is not null && stored.Equals(llm))
        {
            _logger.ProfileUnchanged(target.Value);
        }
        else
        {
            await _store.SaveAsync(target, llm, options: null, cancellationToken).ConfigureAwait(false);
        }

        return new ProfileReference(target);
    }
}
