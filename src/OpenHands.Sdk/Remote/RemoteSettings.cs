using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Remote;

/// <summary>An agent server's settings (<c>GET /api/settings</c>): no LLM and no key, only the active profile's name.</summary>
/// <param name="Settings">The settings; <see cref="PersistedSettings.ActiveProfile"/> is the pointer to the active LLM profile.</param>
/// <param name="LlmApiKeyIsSet">Whether the active profile holds an API key (the server's <c>llm_api_key_is_set</c>).</param>
public sealed record RemoteSettings(PersistedSettings Settings, bool LlmApiKeyIsSet);
