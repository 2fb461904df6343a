using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations;

/// <summary>
/// What is particular to one conversation: its id, working folder, iteration cap and callbacks. The services every
/// conversation shares (profile store, resolver, chat clients, tools, persistence folder) belong to
/// <see cref="ConversationFactory"/>.
/// </summary>
/// <remarks>Values are copied when the conversation is created; changing the options later changes nothing.</remarks>
public sealed class ConversationOptions
{
    /// <summary>Gets or sets the folder the tools work in. Ignored on restore (the persisted folder is kept).</summary>
    /// <value>The default is the current directory.</value>
    public string WorkingDirectory { get; set; } = Environment.CurrentDirectory;

    /// <summary>Gets or sets the id of a new conversation; <see langword="null"/> draws a new one. Ignored on restore.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>Gets or sets the most agent steps one run takes. Ignored on restore (the persisted cap is kept).</summary>
    /// <value>The default is 500. Must be at least 1.</value>
    public int MaxIterations { get; set; } = 500;

    /// <summary>Gets callbacks run for every event after it is persisted; an exception in one is logged and affects nothing else.</summary>
    public IList<Action<ConversationEvent>> Callbacks { get; } = [];
}
