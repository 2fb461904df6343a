using OpenHands.Sdk.Agents;

namespace OpenHands.Sdk.Remote;

/// <summary>How <see cref="RemoteConversationsClient.StartWithProfileAsync"/> and <see cref="RemoteConversationsClient.StartAsync"/> start a conversation.</summary>
public sealed class RemoteConversationOptions
{
    /// <summary>Gets or sets the conversation's id.</summary>
    /// <value>
    /// The default is <see langword="null"/>: the server picks one, and the start is tried once. With an id the start is
    /// idempotent (the server answers an existing conversation with that id), so it is retried like a read.
    /// </value>
    public Guid? ConversationId { get; set; }

    /// <summary>Gets or sets the most agent steps per run.</summary>
    /// <value>The default is <see langword="null"/>: the server's default (500).</value>
    public int? MaxIterations { get; set; }

    /// <summary>Gets or sets the agent's working folder on the server's machine.</summary>
    /// <value>The default is <see langword="null"/>: the server's working folder.</value>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gets the tools of the agent, by name (such as <c>terminal</c>, <c>file_editor</c>); <c>finish</c> and <c>think</c> are always there.</summary>
    /// <value>The default is empty. For a start from an <see cref="Agent"/>, the agent's tools are added.</value>
    public IList<ToolSpec> Tools { get; } = [];

    /// <summary>Gets or sets a first user message, added when the conversation is created.</summary>
    /// <value>The default is <see langword="null"/>: none.</value>
    public string? InitialMessage { get; set; }

    /// <summary>
    /// Gets or sets the name of the LLM profile that a start from an <see cref="Agent"/> stores the agent's LLM in.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the materialization policy chooses (<see cref="RemoteProfilesClient.MaterializeAsync(Llms.Llm, string?, CancellationToken)"/>):
    /// the profile the LLM came from when it provably still holds it, else <c>Default</c> for an LLM without secrets when
    /// free or equal, else the LLM's content name <c>Default-</c> and 12 hex digits. A named profile that holds a different
    /// configuration is left as it is and the start fails, unless <see cref="ReplaceLlmProfile"/> is set. Ignored for a start
    /// by profile name.
    /// </value>
    public string? LlmProfileName { get; set; }

    /// <summary>Gets or sets whether the profile named by <see cref="LlmProfileName"/> is replaced when it holds a different configuration.</summary>
    /// <value>The default is <see langword="false"/>: a server profile is never overwritten by a start. Requires <see cref="LlmProfileName"/>.</value>
    public bool ReplaceLlmProfile { get; set; }
}
