using OpenHands.Sdk.Agents;

namespace OpenHands.Sdk.Remote;

/// <summary>How <see cref="RemoteConversation.StartAsync(RemoteWorkspace, string?, RemoteConversationOptions?, CancellationToken)"/> starts a conversation.</summary>
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
    /// Gets or sets the name of the LLM profile that a start from an <see cref="Agent"/> saves the agent's LLM under.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the profile the LLM came from (<see cref="Llms.Llm.SourceProfile"/>), else
    /// <c>Default</c> when that name is free or holds the same configuration, else <c>Default-</c> and 8 hex digits derived
    /// from the secret-free configuration. Ignored for a start by profile name.
    /// </value>
    public string? LlmProfileName { get; set; }
}
