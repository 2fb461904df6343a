using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>
/// <c>provider-connections/provider_connections.json</c>, the Python agent-server 1.43 format:
/// <c>{"schema_version": 1, "connections": [...]}</c>; fields this version does not model are kept.
/// </summary>
internal sealed class ProviderConnectionsDocument
{
    /// <summary>The format version this SDK reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    public int? SchemaVersion { get; set; }

    public List<ProviderConnectionDocument?>? Connections { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>One shared credential; <c>api_key</c> is a Fernet token with a cipher, plaintext without; nulls are written.</summary>
internal sealed class ProviderConnectionDocument
{
    public string? Id { get; set; }

    public string? DisplayName { get; set; }

    public string? Provider { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public SecretString? ApiKey { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? BaseUrl { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
