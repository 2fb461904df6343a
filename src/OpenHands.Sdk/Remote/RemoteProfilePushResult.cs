using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <summary>What <see cref="RemoteProfilesClient.PushAsync"/> did.</summary>
/// <param name="Written">The profiles saved on the server (new, or changed since this client last pushed them).</param>
/// <param name="Unchanged">The profiles the server provably held already; nothing was sent for them.</param>
public sealed record RemoteProfilePushResult(IReadOnlyList<ProfileName> Written, IReadOnlyList<ProfileName> Unchanged);
