namespace OpenHands.Sdk.PostgreSql;

/// <summary>Who holds a conversation's lease, as read by <see cref="PostgreSqlConversationLeases.ReadAsync"/>.</summary>
/// <param name="Lease">The holder's lease (owner and fencing token).</param>
/// <param name="IsLive">Whether the lease has not expired yet (on the database's clock): while live, no other instance may take it.</param>
/// <param name="RunWanted">Whether the holder runs the conversation (an expired lease that wants a run is taken over).</param>
/// <param name="OwnerUrl">Where the holder takes requests for the conversation from other instances; <see langword="null"/> when it gave none.</param>
public sealed record ConversationLeaseHolder(ConversationLease Lease, bool IsLive, bool RunWanted, string? OwnerUrl);
