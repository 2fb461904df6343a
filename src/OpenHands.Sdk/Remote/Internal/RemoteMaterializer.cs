using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Profiles.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>
/// <see cref="ProfileMaterializer"/>'s policy over REST, for <see cref="RemoteProfilesClient.MaterializeAsync(Llm, ProfileMaterializeOptions, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// <para>
/// The server never shows a key, so a stored profile counts as equal only when that is provable from here: the
/// secret-free configuration is equal and either neither side holds a key, or the key is vouched for — by the profile's
/// name (a content name, derived from the whole content, key included) or because this workspace itself fetched or saved
/// exactly this content under that name. Anything else counts as different and is never overwritten.
/// </para>
/// <para>
/// An LLM without secrets lands in <c>Default</c> when free, as in-process. An LLM with a key goes to its content name
/// (<c>Default-</c> and 12 hex digits), which no other content can claim: so the same LLM from any client maps to one
/// profile that is saved once, and two LLMs that differ only in their key never share one. New profiles are created
/// with <c>If-None-Match: *</c>, which this SDK's server checks under its store lock.
/// </para>
/// </remarks>
internal sealed class RemoteMaterializer(RemoteProfilesClient profiles, Uri baseAddress, ILogger logger)
{
    private const int MaxRounds = 8;

    /// <summary>The fingerprint of the content this workspace last fetched or saved, per profile.</summary>
    private readonly ConcurrentDictionary<ProfileName, string> _known = new();

    /// <summary>Notes that the server's profile <paramref name="name"/> holds <paramref name="llm"/> (secrets included).</summary>
    public void Remember(ProfileName name, Llm llm) => _known[name] = ProfileNaming.Fingerprint(llm);

    /// <summary>Forgets what a profile held (it was deleted or renamed).</summary>
    public void Forget(ProfileName name) => _known.TryRemove(name, out _);

    public async Task<ProfileReference> MaterializeAsync(Llm llm, ProfileMaterializeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(llm);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ReplaceExisting && options.Name is null)
        {
            throw new ArgumentException("ReplaceExisting needs the Name of the profile to replace: a raw LLM never replaces a profile the materializer picks.", nameof(options));
        }

        var named = options.Name is null ? (ProfileName?)null : ProfileName.Create(options.Name);
        var wanted = new Wanted(llm, ProfileNaming.Fingerprint(llm));
        for (var round = 0; round < MaxRounds; round++)
        {
            var chosen = named is { } n
                ? await IntoNamedAsync(wanted, n, options.ReplaceExisting, cancellationToken).ConfigureAwait(false)
                : await IntoChosenAsync(wanted, cancellationToken).ConfigureAwait(false);
            if (chosen is { } name)
            {
                return new ProfileReference(name);
            }
        }

        throw new InvalidOperationException(
            $"Profiles kept being created on the agent server at {baseAddress} under the candidate names while the LLM ({llm.Model}) was being stored. Try again.");
    }

    /// <summary>
    /// Makes the server's profile <paramref name="name"/> hold <paramref name="llm"/>, overwriting it unless it provably
    /// holds this content already (see the class remarks); for <see cref="RemoteProfilesClient.PushAsync"/>.
    /// </summary>
    /// <returns><see langword="true"/> when a save was sent; <see langword="false"/> when the server's profile was left as it is.</returns>
    public async Task<bool> SyncAsync(ProfileName name, Llm llm, CancellationToken cancellationToken)
    {
        var wanted = new Wanted(llm, ProfileNaming.Fingerprint(llm));
        var stored = await profiles.TryGetAsync(name, cancellationToken).ConfigureAwait(false);
        if (stored is not null && Proves(stored, wanted))
        {
            Reused(name, wanted);
            return false;
        }

        await profiles.SaveCoreAsync(name, llm, createOnly: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<ProfileName?> IntoNamedAsync(Wanted wanted, ProfileName name, bool replace, CancellationToken cancellationToken)
    {
        var stored = await profiles.TryGetAsync(name, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return await TryCreateAsync(name, wanted, cancellationToken).ConfigureAwait(false) ? name : null;
        }

        if (Proves(stored, wanted))
        {
            return Reused(name, wanted);
        }

        if (!replace)
        {
            throw new ProfileAlreadyExistsException(name,
                $"LLM profile '{name}' on the agent server at {baseAddress} holds a different configuration, or a key this client "
                + "cannot compare (the server never shows keys); it was left as it is. Fix: leave the name out to store this LLM under a "
                + "profile of its own, or set ProfileMaterializeOptions.ReplaceExisting (RemoteConversationOptions.ReplaceLlmProfile) to replace it.");
        }

        await profiles.SaveCoreAsync(name, wanted.Llm, createOnly: false, cancellationToken).ConfigureAwait(false);
        return name;
    }

    private async Task<ProfileName?> IntoChosenAsync(Wanted wanted, CancellationToken cancellationToken)
    {
        if (wanted.Llm.SourceProfile is { } source
            && await profiles.TryGetAsync(source, cancellationToken).ConfigureAwait(false) is { } origin && Proves(origin, wanted))
        {
            return Reused(source, wanted);
        }

        // Default can hold a key this client cannot compare, so an LLM with secrets only reuses it when this workspace vouches.
        RemoteProfile? atDefault = null;
        if (!wanted.HasSecrets || _known.ContainsKey(ProfileName.Default))
        {
            atDefault = await profiles.TryGetAsync(ProfileName.Default, cancellationToken).ConfigureAwait(false);
            if (atDefault is not null && Proves(atDefault, wanted))
            {
                return Reused(ProfileName.Default, wanted);
            }
        }

        ProfileName? free = null;
        foreach (var candidate in ProfileNaming.ContentNames(wanted.Fingerprint))
        {
            var stored = await profiles.TryGetAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                free = candidate;
                break;
            }

            if (Proves(stored, wanted))
            {
                return Reused(candidate, wanted);
            }
        }

        var target = !wanted.HasSecrets && atDefault is null ? ProfileName.Default
            : free ?? throw new InvalidOperationException($"Every content name of the LLM ({wanted.Llm.Model}) holds another configuration on the agent server; nothing was saved.");
        return await TryCreateAsync(target, wanted, cancellationToken).ConfigureAwait(false) ? target : null;
    }

    /// <summary>Whether the server's profile provably holds the wanted content (see the class remarks).</summary>
    private bool Proves(RemoteProfile stored, Wanted wanted)
    {
        if (!stored.Llm.Equals(wanted.SecretFree))
        {
            return false;
        }

        if (!wanted.HasSecrets && !stored.ApiKeySet)
        {
            return true;
        }

        return stored.ApiKeySet == (wanted.Llm.ApiKey is not null)
            && ((_known.TryGetValue(stored.Name, out var known) && known == wanted.Fingerprint) || ProfileNaming.IsContentName(stored.Name, wanted.Fingerprint));
    }

    private ProfileName Reused(ProfileName name, Wanted wanted)
    {
        logger.ProfileUnchanged(name.Value);
        _known[name] = wanted.Fingerprint;
        return name;
    }

    private async Task<bool> TryCreateAsync(ProfileName name, Wanted wanted, CancellationToken cancellationToken)
    {
        try
        {
            await profiles.SaveCoreAsync(name, wanted.Llm, createOnly: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AgentServerException e) when (e.StatusCode == 412)
        {
            return false;   // another client created it a moment ago: look again
        }
    }

    /// <summary>The LLM to store, its fingerprint and its secret-free form (what the server shows).</summary>
    private sealed class Wanted(Llm llm, string fingerprint)
    {
        public Llm Llm { get; } = llm;

        public string Fingerprint { get; } = fingerprint;

        public bool HasSecrets { get; } = SecretFields.ValuesOf(llm).Any();

        public Llm SecretFree { get; } = SecretFields.Without(llm);
    }
}
