using OpenHands.Sdk.Conversations.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// The state of a persisted conversation read without its events (one read of <c>base_state.json</c>), for listings whose
/// cost must not grow with the history: status, LLM snapshot, tools, usage. Reading writes nothing.
/// </summary>
/// <remarks>
/// Only the state file is examined: <see cref="Damage"/> names a missing or unreadable <c>base_state.json</c>, never a
/// damaged event file (<see cref="StoredConversation.ReadAsync"/> and a restore find those). The LLM is the secret-free
/// snapshot the conversation last wrote, not its profile resolved again.
/// </remarks>
public sealed class StoredConversationState
{
    private StoredConversationState(Guid id, string? directory, ConversationState state, IReadOnlyList<ConversationFileDamage> damage)
    {
        Id = id;
        Directory = directory;
        State = state;
        Damage = damage;
    }

    /// <summary>Gets the conversation's id.</summary>
    public Guid Id { get; }

    /// <summary>Gets the conversation's folder, for a store that keeps files; <see langword="null"/> otherwise.</summary>
    public string? Directory { get; }

    /// <summary>
    /// Gets the persisted state; when <c>base_state.json</c> is missing or damaged, the placeholder a restore shows too
    /// (status <see cref="ConversationExecutionStatus.Error"/>, model <c>unknown</c>).
    /// </summary>
    public ConversationState State { get; }

    /// <summary>Gets the damage of the state (<c>base_state.json</c>): empty when it reads, one entry otherwise. Event files are not examined.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; }

    /// <summary>Reads the state of conversation <paramref name="id"/> without its events; a damaged state file is reported in <see cref="Damage"/>, not thrown.</summary>
    /// <param name="store">The store that keeps the conversation.</param>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state as stored.</returns>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    public static async Task<StoredConversationState> ReadAsync(IConversationStore store, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (directory, state, damage) = await ConversationPersistence.ReadStateOnlyAsync(store, id, cancellationToken).ConfigureAwait(false);
        return new StoredConversationState(id, directory, state, damage);
    }
}
