using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Security;

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

    /// <summary>Gets or sets which actions wait for the user's confirmation. Ignored on restore (the persisted policy is kept).</summary>
    /// <value>The default is <see cref="NeverConfirm"/>.</value>
    public ConfirmationPolicy ConfirmationPolicy { get; set; } = ConfirmationPolicy.Never;

    /// <summary>Gets or sets the analyzer that rates each action's risk. Ignored on restore.</summary>
    /// <value>The default is <see langword="null"/>: every risk is unknown (so <see cref="ConfirmRisky"/> asks about every action unless told otherwise).</value>
    public ISecurityAnalyzer? SecurityAnalyzer { get; set; }

    /// <summary>Gets or sets whether a run that keeps repeating itself is stopped as stuck. Ignored on restore.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool StuckDetection { get; set; } = true;

    /// <summary>
    /// Gets secrets for the tools, by environment variable name: the terminal sets each one a command names, and output
    /// shows <c>&lt;secret-hidden&gt;</c> instead of its value. Persisted only encrypted (see <see cref="Conversation.SecretStorage"/>).
    /// </summary>
    public IDictionary<string, SecretString> Secrets { get; } = new Dictionary<string, SecretString>(StringComparer.Ordinal);

    /// <summary>Gets callbacks run for every event after it is persisted; an exception in one is logged and affects nothing else.</summary>
    public IList<Action<ConversationEvent>> Callbacks { get; } = [];
}
