using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Conversations;

/// <summary>Options of <see cref="Conversation.CreateAsync(Agents.Agent, ConversationOptions, CancellationToken)"/> and <see cref="Conversation.RestoreAsync"/>.</summary>
public sealed class ConversationOptions
{
    /// <summary>Gets or sets the folder under which each conversation keeps <c>&lt;id-hex&gt;/base_state.json</c> and <c>events/</c>.</summary>
    /// <value>The default is <see langword="null"/>: nothing is persisted and nothing is materialized.</value>
    public string? PersistenceDirectory { get; set; }

    /// <summary>Gets or sets the folder the tools work in.</summary>
    /// <value>The default is the current directory.</value>
    public string WorkingDirectory { get; set; } = Environment.CurrentDirectory;

    /// <summary>Gets or sets the id of a new conversation; <see langword="null"/> draws a new one.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>Gets or sets the most agent steps one run takes.</summary>
    /// <value>The default is 500.</value>
    public int MaxIterations { get; set; } = 500;

    /// <summary>Gets or sets the profile store: where a raw LLM is materialized, and what switches and restores resolve.</summary>
    /// <value>
    /// The default is <see langword="null"/>: a <see cref="LlmProfileStore"/> in the default folder, created when a
    /// persisted conversation needs one. Use the same instance as the rest of the application.
    /// </value>
    public ILlmProfileStore? ProfileStore { get; set; }

    /// <summary>Gets or sets how an <see cref="Llm"/> becomes an <see cref="IChatClient"/>.</summary>
    /// <value>The default is <see langword="null"/>: a <see cref="LlmChatClientFactory"/> with a shared HTTP client.</value>
    public Func<Llm, IChatClient>? ChatClientFactory { get; set; }

    /// <summary>Gets or sets the registry that turns persisted tool specs into tools.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="ToolRegistry.Default"/>.</value>
    public ToolRegistry? ToolRegistry { get; set; }

    /// <summary>Gets callbacks run for every event after it is persisted; an exception in one is logged and affects nothing else.</summary>
    public IList<Action<ConversationEvent>> Callbacks { get; } = [];

    /// <summary>Gets or sets the logger factory; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock; <see cref="TimeProvider.System"/> by default.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
