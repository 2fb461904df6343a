using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The last <c>GET /api/profiles</c> answer, serialized, with what it was made from: the listing the profile store
/// returned and the active profile's name. The file store returns the same listing instance while none of its files
/// changed (see <see cref="LlmProfileStore.ListSummariesAsync"/>), so an unchanged folder is answered with the same bytes
/// and nothing is serialized again; any other listing instance or active profile makes a new answer. Listings with
/// profiles linked to provider connections are never kept (a connection's key can change without the listing changing).
/// </summary>
/// <remarks>Thread-safe: one immutable entry, replaced whole.</remarks>
internal sealed class ProfileListingCache
{
    private Entry? _last;

    /// <summary>The answer made from exactly this listing instance with this active profile, if it is the last one.</summary>
    public byte[]? TryGet(IReadOnlyList<LlmProfileSummary> summaries, string? activeProfile) =>
        Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Summaries, summaries) && last.ActiveProfile == activeProfile ? last.Json : null;

    /// <summary>Keeps <paramref name="json"/> as the answer for this listing instance and active profile.</summary>
    public void Set(IReadOnlyList<LlmProfileSummary> summaries, string? activeProfile, byte[] json) =>
        Volatile.Write(ref _last, new Entry(summaries, activeProfile, json));

    private sealed record Entry(IReadOnlyList<LlmProfileSummary> Summaries, string? ActiveProfile, byte[] Json);
}
