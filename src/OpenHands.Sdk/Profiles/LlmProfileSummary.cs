namespace OpenHands.Sdk.Profiles;

/// <summary>What a profile list shows about one profile; never holds a secret.</summary>
/// <param name="Name">The profile's name.</param>
/// <param name="Model">The stored model, or <see langword="null"/> when the file has none.</param>
/// <param name="BaseUrl">The stored base URL, or <see langword="null"/>.</param>
/// <param name="ProviderConnectionId">The shared provider connection the profile uses, or <see langword="null"/>.</param>
/// <param name="ApiKeySet">Whether the file holds an API key (plaintext or encrypted).</param>
public sealed record LlmProfileSummary(ProfileName Name, string? Model, string? BaseUrl, string? ProviderConnectionId, bool ApiKeySet);
