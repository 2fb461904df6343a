using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The cipher of the server's secrets (profiles, settings, <c>secrets.json</c>), from <see cref="AgentServerOptions"/>
/// alone: <see langword="null"/> when no key is configured (plaintext). The SDK's services get the same keys through
/// <c>OpenHandsOptions</c>, with their environment fallback turned off.
/// </summary>
internal sealed record ServerCipher(Cipher? Cipher);
