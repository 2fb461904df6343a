using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.DependencyInjection;

/// <summary>
/// The configured cipher, or none, as one resolvable service: <c>AddOpenHands</c> (or the agent server) registers it, and
/// stores registered by other packages (such as <c>OpenHands.Sdk.PostgreSql</c>) encrypt with the same key.
/// </summary>
/// <param name="Cipher">Encrypts secrets at rest; <see langword="null"/> when no secret key is configured (plaintext).</param>
public sealed record CipherHolder(Cipher? Cipher);
