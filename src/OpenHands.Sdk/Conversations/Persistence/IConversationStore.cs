namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// Where persisted conversations live: each one's state document (<c>base_state.json</c>), its events in order, and the
/// server's metadata document (<c>meta.json</c>). <see cref="FileConversationStore"/> keeps the Python SDK's folder
/// layout; <c>OpenHands.Sdk.PostgreSql</c> keeps them in a database shared by several agent servers.
/// </summary>
/// <remarks>
/// <para>
/// The store holds documents as bytes and does not interpret them, except to read events back
/// (<see cref="ReadAsync"/>). Writes are made through an <see cref="IConversationWriter"/>, synchronously, by the
/// conversation's owner under its gate; reads and deletes may come from any thread.
/// </para>
/// <para>
/// A store never holds an LLM key: the state document keeps a profile reference and a secret-free snapshot, and other
/// secrets only as tokens of the configured cipher.
/// </para>
/// </remarks>
public interface IConversationStore
{
    /// <summary>Lists the stored conversations: each one whose state or at least one event is stored, damaged or not.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids, in no particular order.</returns>
    Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the stored metadata documents, one per conversation that has one.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The documents, in no particular order.</returns>
    Task<IReadOnlyList<ConversationMetadataRecord>> ListMetadataAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether conversation <paramref name="id"/> is stored (its state or at least one event).</summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it is stored.</returns>
    Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a stored conversation: its state document and every readable event in order. Damage never throws: it is
    /// named in <see cref="ConversationRecord.Damage"/> and the readable rest is returned.
    /// </summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation as stored.</returns>
    /// <exception cref="InvalidConversationException">The conversation is not stored.</exception>
    Task<ConversationRecord> ReadAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads conversation <paramref name="id"/>'s state document only, never its events (a listing whose cost must not
    /// grow with the history): a record with no events whose damage names only the state, if it is missing or unreadable.
    /// </summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The state as stored, without events.</returns>
    /// <exception cref="InvalidConversationException">The conversation is not stored.</exception>
    Task<ConversationRecord> ReadStateAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The writer of conversation <paramref name="id"/>'s state and events; nothing is written until it is used.</summary>
    /// <param name="id">The conversation's id.</param>
    /// <returns>The writer.</returns>
    IConversationWriter OpenWriter(Guid id);

    /// <summary>Reads conversation <paramref name="id"/>'s metadata document.</summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The document (<see langword="null"/> when there is none or it cannot be read, then with its damage) and when the conversation was first stored.</returns>
    Task<ConversationMetadataRecord> ReadMetadataAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Writes conversation <paramref name="id"/>'s metadata document whole, atomically.</summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="document">The document's UTF-8 JSON.</param>
    /// <param name="replacesDamaged">Whether the stored document is damaged: a store that can keep a copy of it (the file store's <c>meta.json.bak</c>) does so first.</param>
    void WriteMetadata(Guid id, ReadOnlySpan<byte> document, bool replacesDamaged);

    /// <summary>Deletes everything stored for conversation <paramref name="id"/>, so that its id can be used again.</summary>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when something was deleted.</returns>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
