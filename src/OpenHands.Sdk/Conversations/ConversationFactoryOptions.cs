using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations;

/// <summary>
/// The services of a <see cref="ConversationFactory"/>, shared by every conversation it starts or restores.
/// <c>AddOpenHands</c> fills them from the container; set them by hand only without dependency injection.
/// </summary>
/// <remarks>Values are copied when the factory is created; changing the options later changes nothing.</remarks>
public sealed class ConversationFactoryOptions
{
    /// <summary>Gets or sets the folder under which each conversation keeps <c>&lt;id-hex&gt;/base_state.json</c> and <c>events/</c>.</summary>
    /// <value>
    /// The default is <see langword="null"/>: conversations live in memory; nothing is persisted and nothing is
    /// materialized. When set, <see cref="ProfileStore"/> is required.
    /// </value>
    public string? PersistenceDirectory { get; set; }

    /// <summary>Gets or sets the store conversations are persisted in (a database, or a <see cref="Persistence.FileConversationStore"/>).</summary>
    /// <value>
    /// The default is <see langword="null"/>: a <see cref="Persistence.FileConversationStore"/> over
    /// <see cref="PersistenceDirectory"/> when that is set, else memory only. Set one of the two, not both; either needs
    /// <see cref="ProfileStore"/>.
    /// </value>
    public Persistence.IConversationStore? Store { get; set; }

    /// <summary>Gets or sets the profile store: where a raw LLM of a persisted conversation is materialized, and what the switch tool lists.</summary>
    /// <value>The default is <see langword="null"/>: no store; required with <see cref="PersistenceDirectory"/> or <see cref="Store"/>. Use the application's one instance.</value>
    public ILlmProfileStore? ProfileStore { get; set; }

    /// <summary>Gets or sets the resolver that starts, switches and restores read profiles through.</summary>
    /// <value>The default is <see langword="null"/>: a resolver over <see cref="ProfileStore"/> (without an active profile).</value>
    public ProfileResolver? Resolver { get; set; }

    /// <summary>Gets or sets the materializer that turns the raw LLM of a persisted conversation into a profile.</summary>
    /// <value>The default is <see langword="null"/>: a materializer over <see cref="ProfileStore"/>.</value>
    public ProfileMaterializer? Materializer { get; set; }

    /// <summary>Gets or sets how an <see cref="Llm"/> becomes an <see cref="IChatClient"/>.</summary>
    /// <value>The default is <see langword="null"/>: a <see cref="LlmChatClientFactory"/> over a shared HTTP client.</value>
    public Func<Llm, IChatClient>? ChatClientFactory { get; set; }

    /// <summary>Gets or sets the registry that turns tool specs into tools.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="ToolRegistry.Default"/>.</value>
    public ToolRegistry? ToolRegistry { get; set; }

    /// <summary>Gets or sets the cipher that encrypts a conversation's secrets at rest (tool secrets, MCP environment values and headers).</summary>
    /// <value>
    /// The default is <see langword="null"/>: such secrets are kept in memory only and never written (a restored
    /// conversation no longer has them). <c>AddOpenHands</c> sets the profile store's cipher.
    /// </value>
    public Cipher? Cipher { get; set; }

    /// <summary>Gets or sets the logger factory.</summary>
    /// <value>The default is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="System.TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the OpenTelemetry spans of LLM and tool calls carry message content: the
    /// messages sent and received (as span events), tool arguments and tool results.
    /// </summary>
    /// <value>
    /// The default is <see langword="false"/>: spans and metrics hold models, token counts, tool names and call ids, never
    /// content. Even when set, the LLM's secrets and the conversation's secrets are masked. Content can hold anything a
    /// user or tool wrote; turn this on only where the trace backend may see it.
    /// </value>
    public bool CaptureMessageContent { get; set; }
}
