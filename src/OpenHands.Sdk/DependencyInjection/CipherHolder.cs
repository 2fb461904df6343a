using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.DependencyInjection;

/// <summary>The configured cipher, or none; registered so that "no cipher" is a resolvable service.</summary>
internal sealed record CipherHolder(Cipher? Cipher);
