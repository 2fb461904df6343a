using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The database conversation store as this instance writes it: every event append and state write carries the fencing
/// token of the lease <see cref="ConversationOwnership"/> holds on the conversation at that moment, and is refused
/// (<see cref="ConversationLeaseLostException"/>) when it holds none or another instance took the lease over. Reads,
/// metadata (title, tags) and deletes are the store's own.
/// </summary>
internal sealed class FencedConversationStore(PostgreSqlConversationStore inner, ConversationOwnership ownership) : IConversationStore
{
    public Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ConversationMetadataRecord>> ListMetadataAsync(CancellationToken cancellationToken = default) => inner.ListMetadataAsync(cancellationToken);

    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => inner.ExistsAsync(id, cancellationToken);

    public Task<ConversationRecord> ReadAsync(Guid id, CancellationToken cancellationToken = default) => inner.ReadAsync(id, cancellationToken);

    public Task<ConversationRecord> ReadStateAsync(Guid id, CancellationToken cancellationToken = default) => inner.ReadStateAsync(id, cancellationToken);

    public IConversationWriter OpenWriter(Guid id) => new Writer(inner, ownership, id);

    public Task<ConversationMetadataRecord> ReadMetadataAsync(Guid id, CancellationToken cancellationToken = default) => inner.ReadMetadataAsync(id, cancellationToken);

    public void WriteMetadata(Guid id, ReadOnlySpan<byte> document, bool replacesDamaged) => inner.WriteMetadata(id, document, replacesDamaged);

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, cancellationToken);

    /// <summary>Opens the store's fenced writer for the lease held at each write.</summary>
    private sealed class Writer(PostgreSqlConversationStore inner, ConversationOwnership ownership, Guid id) : IConversationWriter
    {
        public string? Directory => null;

        public void AppendEvent(int sequence, ConversationEvent conversationEvent, ReadOnlySpan<byte> json) =>
            inner.OpenWriter(id, Held(FormattableString.Invariant($"event {sequence}"))).AppendEvent(sequence, conversationEvent, json);

        public void WriteState(ReadOnlySpan<byte> json) => inner.OpenWriter(id, Held("state")).WriteState(json);

        private ConversationLease Held(string write) => ownership.Lease(id) ?? throw new ConversationLeaseLostException(
            $"The {write} of conversation {id} was not stored: this instance ('{ownership.InstanceId}') holds no lease on it, so another "
            + "instance may be running it. Nothing was written; send the change again (any instance carries it out).");
    }
}
