using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Cli;

/// <summary>
/// The CLI's source-generated JSON contracts (Native AOT: no reflection), in the Python wire format's snake_case: what it
/// reads from events to print them, and the provider connections file of a persistence folder.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(LlmFallbackNotice))]
[JsonSerializable(typeof(LlmProfileNotice))]
[JsonSerializable(typeof(ProviderConnectionsFile))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>The value of an <c>llm_fallback</c> state update, as printed.</summary>
internal sealed class LlmFallbackNotice
{
    public string? FromProfile { get; init; }

    public string? FromModel { get; init; }

    public string? Profile { get; init; }

    public string? Model { get; init; }
}

/// <summary>The value of an <c>llm_profile</c> state update, as printed: the profile's name.</summary>
internal sealed class LlmProfileNotice
{
    public string? Name { get; init; }
}

/// <summary><c>provider-connections/provider_connections.json</c> as the provider connection store writes it (schema version 1).</summary>
internal sealed class ProviderConnectionsFile
{
    public int SchemaVersion { get; init; } = 1;

    public List<ProviderConnectionEntry>? Connections { get; init; }
}

/// <summary>One connection of <see cref="ProviderConnectionsFile"/>, its key as stored (a Fernet token or plaintext).</summary>
internal sealed class ProviderConnectionEntry
{
    public string Id { get; init; } = "";

    public string DisplayName { get; init; } = "";

    public string Provider { get; init; } = "";

    public string? ApiKey { get; init; }

    public string? BaseUrl { get; init; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; init; }

    public static ProviderConnectionEntry From(StoredProviderConnection c) => new()
    {
        Id = c.Id,
        DisplayName = c.DisplayName,
        Provider = c.Provider,
        ApiKey = c.ApiKey,
        BaseUrl = c.BaseUrl,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
    };

    public StoredProviderConnection ToStored() => new(Id, DisplayName, Provider, ApiKey, BaseUrl, CreatedAt, UpdatedAt);
}
