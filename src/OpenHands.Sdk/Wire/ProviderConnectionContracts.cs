using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Wire;

/// <summary>A provider connection as every <c>/api/llm/provider-connections</c> route answers it: never the key, only whether one is set.</summary>
internal sealed class ProviderConnectionResponse
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    public required string Provider { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? BaseUrl { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    public bool ApiKeySet { get; init; }
}

/// <summary><c>POST /api/llm/provider-connections</c>; fields other than these four are refused (422), as in Python.</summary>
internal sealed class CreateProviderConnectionRequest
{
    public string? DisplayName { get; set; }

    public string? Provider { get; set; }

    public string? ApiKey { get; set; }

    public string? BaseUrl { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>
/// <c>PATCH /api/llm/provider-connections/{id}</c>: a field that is present (even as <see langword="null"/>) is applied,
/// an absent one is left as it is; only <c>base_url</c> may be <see langword="null"/>.
/// </summary>
internal sealed class UpdateProviderConnectionRequest
{
    public string? DisplayName { get; set => (field, DisplayNameSet) = (value, true); }

    public string? Provider { get; set => (field, ProviderSet) = (value, true); }

    public string? ApiKey { get; set => (field, ApiKeySet) = (value, true); }

    public string? BaseUrl { get; set => (field, BaseUrlSet) = (value, true); }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    [JsonIgnore]
    public bool DisplayNameSet { get; private set; }

    [JsonIgnore]
    public bool ProviderSet { get; private set; }

    [JsonIgnore]
    public bool ApiKeySet { get; private set; }

    [JsonIgnore]
    public bool BaseUrlSet { get; private set; }

    /// <summary>Gets whether the request names anything to change.</summary>
    [JsonIgnore]
    public bool ChangesAnything => DisplayNameSet || ProviderSet || ApiKeySet || BaseUrlSet;
}
