using System.Collections.Immutable;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// What the conversation info of the REST API shows of a conversation: a loaded one (<see cref="ConversationService.Entry"/>)
/// or one listed from its files and not loaded yet (<see cref="ConversationSummary"/>).
/// </summary>
internal interface IConversationView
{
    Guid Id { get; }

    /// <summary>Gets the persisted state (status, tools, usage, policies).</summary>
    ConversationState State { get; }

    /// <summary>Gets the LLM shown: the live one of a loaded conversation, the stored secret-free snapshot of one not loaded.</summary>
    Llm Llm { get; }

    string? Title { get; }

    ImmutableSortedDictionary<string, string> Tags { get; }

    DateTimeOffset CreatedAt { get; }

    DateTimeOffset UpdatedAt { get; }

    LaunchedAgentProfileDocument? LaunchedAgentProfile { get; }

    /// <summary>Gets the damaged files known: state and events, then <c>meta.json</c> (events only once loaded).</summary>
    IReadOnlyList<ConversationFileDamage> Damage { get; }

    /// <summary>Gets whether its own files (state or events) are damaged, so it is read-only.</summary>
    bool IsReadOnly { get; }
}
