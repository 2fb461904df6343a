using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Wire;

/// <summary><c>GET /api/profiles</c>: the profiles (no secrets) and the active one.</summary>
internal sealed class ProfileListResponse
{
    public required IReadOnlyList<ProfileSummaryItem> Profiles { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ActiveProfile { get; init; }
}

/// <summary>One entry of <see cref="ProfileListResponse"/>.</summary>
internal sealed class ProfileSummaryItem
{
    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Model { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? BaseUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ProviderConnectionId { get; init; }

    public bool ProviderConnectionBroken { get; init; }

    public bool ApiKeySet { get; init; }
}

/// <summary>
/// <c>GET /api/profiles/{name}</c>: the stored LLM as <c>X-Expose-Secrets</c> says (redacted: <c>api_key</c> is
/// <see langword="null"/>) and whether a key is set.
/// </summary>
internal sealed class ProfileDetailResponse
{
    public required string Name { get; init; }

    public required LlmDocument Config { get; init; }

    public bool ApiKeySet { get; init; }
}

/// <summary><c>POST /api/profiles/{name}</c> (create or overwrite; <c>If-None-Match: *</c> only creates).</summary>
internal sealed class SaveProfileRequest
{
    public LlmDocument? Llm { get; set; }

    public bool IncludeSecrets { get; set; } = true;
}

/// <summary><c>POST /api/profiles/{name}/validate</c>: one ping with the draft LLM; nothing is stored.</summary>
internal sealed class ValidateProfileRequest
{
    public LlmDocument? Llm { get; set; }
}

/// <summary><c>POST /api/profiles/{name}/rename</c>.</summary>
internal sealed class RenameProfileRequest
{
    public string? NewName { get; set; }
}

/// <summary>The answer of a profile save, delete or rename: the profile's (new) name and what happened.</summary>
internal sealed class ProfileMessageResponse
{
    public required string Name { get; init; }

    public required string Message { get; init; }
}

/// <summary><c>POST /api/profiles/{name}/activate</c>: settings now point to the profile.</summary>
internal sealed class ActivateProfileResponse
{
    public required string Name { get; init; }

    public required string Message { get; init; }

    /// <summary>Gets whether the profile is what settings use (always: by reference, not by copy).</summary>
    public bool LlmApplied { get; init; } = true;
}

/// <summary><c>POST /api/profiles/{name}/validate</c>'s answer.</summary>
internal sealed class ValidateProfileResponse
{
    public bool Valid { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ValidationFailure? Error { get; init; }
}

/// <summary>Why a validation ping failed: the Python error class name and the provider's message, secrets removed.</summary>
internal sealed class ValidationFailure
{
    public required string Type { get; init; }

    public required string Message { get; init; }
}
