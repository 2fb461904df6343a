namespace OpenHands.Sdk.Conversations;

/// <summary>Where a conversation keeps the secrets given to its tools.</summary>
public enum SecretStorage
{
    /// <summary>
    /// In memory only: the conversation is not persisted, or its factory has no cipher. The secrets are gone after a
    /// restore; set <c>OH_SECRET_KEY</c> (<c>OpenHandsOptions.SecretKey</c>, <c>ConversationFactoryOptions.Cipher</c>) to keep them.
    /// </summary>
    MemoryOnly = 0,

    /// <summary>In <c>base_state.json</c> as Fernet tokens of the factory's cipher, never in plaintext.</summary>
    Encrypted = 1,
}
