using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// One secret of a conversation: its live value (absent when it could not be decrypted on restore) and the Fernet token
/// persisted for it (absent when there is no cipher: then it is not persisted at all).
/// </summary>
internal sealed record SecretEntry(SecretString? Value, string? Token, string? Description = null);
