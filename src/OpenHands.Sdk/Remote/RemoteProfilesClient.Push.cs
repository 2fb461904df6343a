using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <content>Pushing profiles from a local store: the app-server flow.</content>
public sealed partial class RemoteProfilesClient
{
    /// <summary>
    /// Copies named LLM profiles from a local store to the agent server, writing only those the server does not provably
    /// hold already; conversations then switch to them by name (<see cref="RemoteConversation.SwitchProfileAsync"/>). This
    /// replaces sending raw LLM JSON to the server on every switch.
    /// </summary>
    /// <param name="source">The local store to read from (its keys are read and sent only for profiles that are written).</param>
    /// <param name="names">The profiles to push; <see langword="null"/> pushes every profile of <paramref name="source"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Which profiles were written and which were left as they are, in the order pushed.</returns>
    /// <remarks>
    /// <para>
    /// How "changed" is decided: for each profile one read (<c>GET /api/profiles/{name}</c>), then a write only when needed.
    /// The server answers a profile without its keys and has no revision or ETag for profiles, so neither side can compare
    /// keys alone. A profile counts as unchanged when the server's secret-free configuration equals the local one
    /// <em>and</em> its key is vouched for: it has none on either side, or this client itself last saved (or fetched)
    /// exactly this content under that name, which it records as a SHA-256 fingerprint of the whole content, keys
    /// included (held in memory, never sent). Comparing the server's content each time, rather than trusting only the
    /// local record, also catches a profile that someone else edited or deleted on the server since the last push; the
    /// fingerprint catches a key changed locally, which the server's answer cannot show.
    /// </para>
    /// <para>
    /// So a second push from the same <see cref="RemoteWorkspace"/> writes nothing for unchanged profiles. A new workspace
    /// (a restarted app server) holds no fingerprints and writes each profile with a key once more. A key changed on the
    /// server by another client, with the rest equal, is not detected: push with a fresh workspace to overwrite it.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ProfileNotFoundException">A named profile is not in <paramref name="source"/>; profiles before it were pushed.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached; profiles before it were pushed.</exception>
    public async Task<RemoteProfilePushResult> PushAsync(ILlmProfileStore source, IEnumerable<ProfileName>? names = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var selected = names is null ? await source.ListAsync(cancellationToken).ConfigureAwait(false) : [.. names.Distinct()];
        var written = new List<ProfileName>();
        var unchanged = new List<ProfileName>();
        foreach (var name in selected)
        {
            var llm = await source.LoadAsync(name, cancellationToken).ConfigureAwait(false);
            (await _materializer.SyncAsync(name, llm, cancellationToken).ConfigureAwait(false) ? written : unchanged).Add(name);
        }

        return new RemoteProfilePushResult(written, unchanged);
    }
}
