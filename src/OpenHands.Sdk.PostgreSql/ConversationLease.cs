namespace OpenHands.Sdk.PostgreSql;

/// <summary>
/// One instance's hold on a conversation, from <see cref="PostgreSqlConversationLeases.TryAcquireAsync"/>: writes made
/// through <see cref="PostgreSqlConversationStore.OpenWriter(Guid, ConversationLease)"/> carry <see cref="Token"/> and are
/// refused once a later owner holds a greater one.
/// </summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Owner">The instance that holds the lease.</param>
/// <param name="Token">The fencing token: it only grows, by one at each change of owner.</param>
public sealed record ConversationLease(Guid ConversationId, string Owner, long Token);
