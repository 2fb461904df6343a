namespace OpenHands.Sdk.Profiles;

/// <summary>One reason an agent profile is invalid: where (such as <c>["openhands", "llm_profile_ref"]</c>), the kind of problem and a message.</summary>
/// <param name="Location">The path to the field: the variant (<c>openhands</c> or <c>acp</c>), then the field names.</param>
/// <param name="Type">The problem, in the Python validator's words: <c>missing</c>, <c>extra_forbidden</c>, <c>string_type</c>, ….</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record AgentProfileProblem(IReadOnlyList<string> Location, string Type, string Message);
