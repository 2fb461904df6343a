using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <summary>The LLM profiles of an agent server and the one its settings point to (<c>GET /api/profiles</c>).</summary>
/// <param name="Profiles">The profiles, sorted by name; none holds a secret.</param>
/// <param name="ActiveProfile">The active profile, or <see langword="null"/> when none is active.</param>
public sealed record RemoteProfileList(IReadOnlyList<LlmProfileSummary> Profiles, ProfileName? ActiveProfile);
