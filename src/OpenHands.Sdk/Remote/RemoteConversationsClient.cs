using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Profiles;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// The conversations of an agent server (<c>/api/conversations</c>): <see cref="RemoteWorkspace.Conversations"/>. The methods
/// are named after their local twins on <see cref="Conversations.ConversationFactory"/>; conversations start by profile
/// reference, so no request carries an API key.
/// </summary>
/// <remarks>Instances are thread-safe.</remarks>
public sealed class RemoteConversationsClient
{
    private readonly RemoteWorkspace _workspace;

    internal RemoteConversationsClient(RemoteWorkspace workspace) => _workspace = workspace;

    /// <summary>
    /// Starts a conversation for an agent built in code: its LLM is first made a profile on the server
    /// (<see cref="RemoteProfilesClient.MaterializeAsync(Llms.Llm, string?, CancellationToken)"/>, at most one save carrying the key), then the
    /// conversation starts by reference.
    /// </summary>
    /// <param name="agent">The agent; its LLM and tools are used. Its prompt options are not sent (the server builds the prompt).</param>
    /// <param name="options">The conversation's id, further tools, limits, first message and profile name; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><see cref="RemoteConversationOptions.LlmProfileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public async Task<RemoteConversation> StartAsync(Agent agent, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        options ??= new RemoteConversationOptions();
        var reference = await _workspace.Profiles.MaterializeAsync(
            agent.Llm, new ProfileMaterializeOptions { Name = options.LlmProfileName, ReplaceExisting = options.ReplaceLlmProfile }, cancellationToken).ConfigureAwait(false);
        return await RemoteConversation.StartCoreAsync(_workspace, reference.Name, options, agent.Tools, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a conversation with an LLM profile, sending only the profile's name.</summary>
    /// <param name="profileName">The profile; <see langword="null"/> sends no profile, so the server uses its active profile.</param>
    /// <param name="options">The conversation's id, tools, limits and first message; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    /// <remarks>
    /// Tried once, unless <see cref="RemoteConversationOptions.ConversationId"/> is set: then the start is idempotent
    /// (the server answers an existing conversation with that id) and is retried like a read.
    /// </remarks>
    /// <exception cref="InvalidProfileNameException"><paramref name="profileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerValidationException">No profile was named and the server has no active one, or the options are invalid.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public Task<RemoteConversation> StartWithProfileAsync(string? profileName = null, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var profile = profileName is null ? (ProfileName?)null : ProfileName.Create(profileName);
        return RemoteConversation.StartCoreAsync(_workspace, profile, options ?? new RemoteConversationOptions(), [], cancellationToken);
    }

    /// <summary>Attaches to an existing conversation on the server (its run, history and profile stay the server's).</summary>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteConversation> RestoreAsync(Guid conversationId, CancellationToken cancellationToken = default)
    {
        var conversation = new RemoteConversation(_workspace, conversationId);
        await conversation.GetStateAsync(cancellationToken).ConfigureAwait(false);
        return conversation;
    }
}
