namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// One secret of a conversation as its state keeps it: the Fernet token persisted for it, or <see langword="null"/> when
/// there is no cipher (then it is not persisted at all and lives only in memory), and its description.
/// </summary>
internal sealed record SecretEntry(string? Token, string? Description = null);
