using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpenHands.Sdk.Wire;

// What a client reads to fill its forms: providers, models, tools, settings schemas and the names of stored secrets.

/// <summary><c>GET /api/llm/providers</c>: <c>{"providers": [...]}</c>.</summary>
internal sealed class ProvidersResponse
{
    public required IReadOnlyList<string> Providers { get; init; }
}

/// <summary><c>GET /api/llm/models</c>: <c>{"models": [...]}</c>.</summary>
internal sealed class ModelsResponse
{
    public required IReadOnlyList<string> Models { get; init; }
}

/// <summary>
/// <c>GET /api/settings/agent-schema</c> and <c>/conversation-schema</c>: the settings type's name and its JSON Schema,
/// generated from the type the server reads and writes.
/// </summary>
internal sealed class SettingsSchemaResponse
{
    public required string ModelName { get; init; }

    public required JsonNode Schema { get; init; }
}

/// <summary><c>GET /api/settings/secrets</c>: names and descriptions, never values.</summary>
internal sealed class SecretsListResponse
{
    public required IReadOnlyList<SecretItemResponse> Secrets { get; init; }
}

/// <summary>One stored secret without its value.</summary>
internal sealed class SecretItemResponse
{
    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Description { get; init; }
}

/// <summary><c>PUT /api/settings/secrets</c>: creates or replaces one secret.</summary>
internal sealed class SecretCreateRequest
{
    public string? Name { get; init; }

    public string? Value { get; init; }

    public string? Description { get; init; }
}

/// <summary><c>DELETE /api/settings/secrets/{name}</c>: <c>{"deleted": true}</c>.</summary>
internal sealed class DeletedResponse
{
    public bool Deleted { get; init; } = true;
}
