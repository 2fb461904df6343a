namespace OpenHands.Sdk.Security;

/// <summary>
/// An encrypted secret could not be decrypted: the cipher key is wrong, the token is damaged, or no cipher is configured.
/// </summary>
/// <remarks>
/// The stored value is left untouched, so fixing the key (for example <c>OH_SECRET_KEY</c>) makes it readable again.
/// The message names the profile and field, never the value.
/// </remarks>
public sealed class SecretDecryptionException : OpenHandsException
{
    /// <summary>Initializes a new instance of the <see cref="SecretDecryptionException"/> class.</summary>
    public SecretDecryptionException()
        : this("The secret could not be decrypted.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretDecryptionException"/> class with a reason.</summary>
    /// <param name="message">Why decryption failed.</param>
    public SecretDecryptionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretDecryptionException"/> class with a reason and a cause.</summary>
    /// <param name="message">Why decryption failed.</param>
    /// <param name="innerException">The cause.</param>
    public SecretDecryptionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretDecryptionException"/> class for one field of one profile.</summary>
    /// <param name="profileName">The profile (or other document) that holds the secret.</param>
    /// <param name="fieldName">The JSON field, for example <c>api_key</c>.</param>
    /// <param name="reason">Why decryption failed.</param>
    public SecretDecryptionException(string profileName, string fieldName, string reason)
        : base($"Cannot decrypt '{fieldName}' of LLM profile '{profileName}': {reason}. "
               + "Set OH_SECRET_KEY (or OpenHandsOptions.SecretKey) to the key the profile was saved with, or save the profile again with its key.")
    {
        ProfileName = profileName;
        FieldName = fieldName;
        Reason = reason;
    }

    /// <summary>Gets the profile (or document) that holds the secret, when known.</summary>
    public string? ProfileName { get; }

    /// <summary>Gets the JSON field that holds the secret, when known.</summary>
    public string? FieldName { get; }

    /// <summary>Gets why decryption failed (no cipher, or a key that does not match), when known.</summary>
    public string? Reason { get; }
}
