namespace OpenHands.Sdk.Security;

/// <summary>How secret fields are written when an <see cref="Llms.Llm"/> is serialized.</summary>
public enum SecretExposure
{
    /// <summary>Secrets are written as the sentinel <c>**********</c>, which reads back as "no secret".</summary>
    Redacted = 0,

    /// <summary>Secrets are written as Fernet tokens made by a <see cref="Cipher"/>.</summary>
    Encrypted = 1,

    /// <summary>Secrets are written in plaintext.</summary>
    Plaintext = 2,
}
