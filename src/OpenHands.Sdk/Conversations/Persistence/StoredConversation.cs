using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;

namespace OpenHands.Sdk.Conversations.Persistence;

/// <summary>
/// A persisted conversation read back without running it: its state, its events and the damaged files found, for
/// tools that list, show or export conversations (the CLI's <c>conversations</c> commands). Reading never writes,
/// except that temp files left by crashed writes are removed.
/// </summary>
public sealed class StoredConversation
{
    private StoredConversation(Guid id, string directory, ConversationState state, IReadOnlyList<ConversationEvent> events, IReadOnlyList<ConversationFileDamage> damage)
    {
        Id = id;
        Directory = directory;
        State = state;
        Events = events;
        Damage = damage;
    }

    /// <summary>Gets the conversation's id.</summary>
    public Guid Id { get; }

    /// <summary>Gets the conversation's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the persisted state; a placeholder with status <see cref="ConversationExecutionStatus.Error"/> when <c>base_state.json</c> is damaged.</summary>
    public ConversationState State { get; }

    /// <summary>Gets the readable events, in order.</summary>
    public IReadOnlyList<ConversationEvent> Events { get; }

    /// <summary>Gets the damaged files found; empty for a healthy conversation.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; }

    /// <summary>The folder conversation <paramref name="id"/> has under <paramref name="conversationsDirectory"/>.</summary>
    /// <param name="conversationsDirectory">The folder that holds one folder per conversation.</param>
    /// <param name="id">The conversation's id.</param>
    /// <returns>The full path of the folder (it may not exist).</returns>
    public static string FolderFor(string conversationsDirectory, Guid id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationsDirectory);
        return FileConversationStore.FolderFor(conversationsDirectory, id);
    }

    /// <summary>Whether conversation <paramref name="id"/> is persisted under <paramref name="conversationsDirectory"/>.</summary>
    /// <param name="conversationsDirectory">The folder that holds one folder per conversation.</param>
    /// <param name="id">The conversation's id.</param>
    /// <returns><see langword="true"/> when its state file or at least one event file exists.</returns>
    public static bool Exists(string conversationsDirectory, Guid id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationsDirectory);
        return FileConversationStore.Exists(conversationsDirectory, id);
    }

    /// <summary>Reads conversation <paramref name="id"/>; damaged files are reported in <see cref="Damage"/>, not thrown.</summary>
    /// <param name="conversationsDirectory">The folder that holds one folder per conversation.</param>
    /// <param name="id">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The conversation as stored.</returns>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    public static async Task<StoredConversation> ReadAsync(string conversationsDirectory, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationsDirectory);
        var (persistence, log) = await ConversationPersistence.ReadAsync(new FileConversationStore(conversationsDirectory), id, cancellationToken).ConfigureAwait(false);
        return new StoredConversation(id, persistence.Directory!, persistence.State, [.. log.Events], persistence.Damage);
    }
}
