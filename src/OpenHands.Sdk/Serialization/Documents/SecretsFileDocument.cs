using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Serialization.Documents;

/// <summary>
/// The agent server's <c>secrets.json</c>, in the Python agent-server's layout: <c>{"custom_secrets": {name: {"name",
/// "secret", "description"}}}</c>, each <c>secret</c> a Fernet token when the server has a cipher, else plaintext.
/// Fields this version does not model are kept.
/// </summary>
internal sealed class SecretsFileDocument
{
    public Dictionary<string, StoredSecretDocument>? CustomSecrets { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>One stored secret: its name, its value (encrypted when a cipher is set) and an optional description.</summary>
internal sealed class StoredSecretDocument
{
    public string? Name { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Secret { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Description { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
