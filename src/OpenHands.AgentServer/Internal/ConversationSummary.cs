using System.Collections.Immutable;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// A listed conversation not loaded yet, as the listing routes show it: its <c>base_state.json</c> and <c>meta.json</c>,
/// one small read each, and never its events. Kept until the conversation is loaded (only a loaded conversation writes
/// its files), then its <see cref="ConversationService.Entry"/> answers instead.
/// </summary>
/// <remarks>
/// What differs from the loaded conversation, because only a load finds it: damage in event files (a damaged or missing
/// event is named, and the conversation read-only, once it is loaded); and the LLM, which is the snapshot the
/// conversation last wrote, not its profile resolved again (a profile edited since shows once it is loaded).
/// </remarks>
internal sealed class ConversationSummary : IConversationView
{
    private ConversationSummary(StoredConversationState stored, ConversationMetaRecord record)
    {
        State = stored.State;
        Title = record.Title;
        Tags = record.Tags;
        CreatedAt = record.CreatedAt;
        UpdatedAt = record.UpdatedAt;
        LaunchedAgentProfile = record.LaunchedAgentProfile;
        IsReadOnly = stored.Damage.Count > 0;
        Damage = record.Damage is { } meta ? [.. stored.Damage, meta] : stored.Damage;
    }

    public Guid Id => State.Id;

    public ConversationState State { get; }

    public Llm Llm => State.LlmSnapshot;

    public string? Title { get; }

    public ImmutableSortedDictionary<string, string> Tags { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; }

    public LaunchedAgentProfileDocument? LaunchedAgentProfile { get; }

    public IReadOnlyList<ConversationFileDamage> Damage { get; }

    public bool IsReadOnly { get; }

    /// <summary>Reads the summary of conversation <paramref name="id"/> from <paramref name="store"/>; null when it is gone.</summary>
    public static async Task<ConversationSummary?> ReadAsync(IConversationStore store, Guid id, CancellationToken cancellationToken)
    {
        StoredConversationState stored;
        try
        {
            stored = await StoredConversationState.ReadAsync(store, id, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidConversationException)
        {
            return null;   // removed from the store since it was listed
        }

        return new ConversationSummary(stored, await ConversationMetaJson.ReadRecordAsync(store, id, cancellationToken).ConfigureAwait(false));
    }
}
