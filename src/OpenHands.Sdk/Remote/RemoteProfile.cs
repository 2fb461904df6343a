using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <summary>An LLM profile as an agent server shows it without secrets (<c>GET /api/profiles/{name}</c>).</summary>
/// <param name="Name">The profile's name.</param>
/// <param name="Llm">The stored configuration with every secret removed; <see cref="Llm.SourceProfile"/> is <paramref name="Name"/>.</param>
/// <param name="ApiKeySet">Whether the server holds an API key for the profile.</param>
public sealed record RemoteProfile(ProfileName Name, Llm Llm, bool ApiKeySet);
