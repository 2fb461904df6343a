namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>A conversation's metadata document (the agent server's <c>meta.json</c>: title, tags, times) as a store read it.</summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="Document">The document's UTF-8 JSON; <see langword="null"/> when there is none or it cannot be read.</param>
/// <param name="Damage">Why the document cannot be read; <see langword="null"/> when it was read or there is none.</param>
/// <param name="CreatedAt">When the conversation was first stored, as far as the store knows.</param>
public sealed record ConversationMetadataRecord(Guid Id, byte[]? Document, ConversationFileDamage? Damage, DateTimeOffset CreatedAt);
