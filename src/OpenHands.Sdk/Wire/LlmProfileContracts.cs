using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Wire;

/// <summary><c>GET /api/llm-profiles</c> (the seed PR's view of the profile store): every readable profile, secrets removed.</summary>
internal sealed class LlmProfileListResponse
{
    public required IReadOnlyList<LlmProfileResponse> Profiles { get; init; }
}

/// <summary>One profile of the <c>/api/llm-profiles</c> view: its name as <c>id</c> and its LLM without any secret.</summary>
internal sealed class LlmProfileResponse
{
    public required string Id { get; init; }

    public required LlmDocument Llm { get; init; }

    /// <summary>Gets whether the stored profile holds a key (the key itself is never shown on these routes).</summary>
    public bool ApiKeySet { get; init; }
}

/// <summary><c>PUT /api/llm-profiles/{profile_id}</c>: the full LLM to store under that name (create or replace).</summary>
internal sealed class UpsertLlmProfileRequest
{
    public LlmDocument? Llm { get; set; }
}

/// <summary><c>POST /api/conversations/{id}/llm_profile</c>: the profile to bind the conversation to.</summary>
internal sealed class SetConversationLlmProfileRequest
{
    public string? ProfileId { get; set; }
}
