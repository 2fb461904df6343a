using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Profiles;

/// <summary>
/// What <see cref="ProfileResolver"/> found: the profile it read (by reference, never re-derived from the
/// <see cref="Llms.Llm"/>), the live LLM, and, for a restore that could not read the profile, why it fell back.
/// </summary>
/// <param name="Reference">The profile that was read or asked for; <see langword="null"/> when there was none to read.</param>
/// <param name="Llm">The profile's content with its secrets, or, on a fallback, the secret-free snapshot.</param>
/// <param name="FallbackReason">Why the snapshot is used instead of the profile (secret-free), or <see langword="null"/>.</param>
public sealed record ProfileResolution(ProfileReference? Reference, Llm Llm, string? FallbackReason)
{
    /// <summary>Gets whether the profile could not be read and <see cref="Llm"/> is the secret-free snapshot.</summary>
    public bool IsFallback => FallbackReason is not null;
}
