using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote.Internal;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// A conversation that runs on an agent server, driven by LLM profile reference: no request it sends carries an API key.
/// Its methods are named after those of the local <see cref="Conversation"/>.
/// </summary>
/// <remarks>
/// <para>
/// Start one with <see cref="RemoteWorkspace.Conversations"/>: <see cref="RemoteConversationsClient.StartWithProfileAsync"/>
/// (by profile name, or the server's active profile), <see cref="RemoteConversationsClient.StartAsync"/> (an agent built in
/// code: its LLM is saved once as a profile first), or attach to an existing one with <see cref="RemoteConversationsClient.RestoreAsync"/>.
/// </para>
/// <para>
/// Unlike the Python SDK's <c>RemoteConversation</c>, it never sends the agent's LLM with the start request, it can
/// switch profiles (<see cref="SwitchProfileAsync"/>), and its REST calls are retried where that is safe (see
/// <see cref="RemoteWorkspace"/>). Instances hold no connection and are thread-safe; the workspace owns the HTTP client.
/// </para>
/// </remarks>
public sealed partial class RemoteConversation
{
    private readonly ILogger _logger;

    internal RemoteConversation(RemoteWorkspace workspace, Guid id)
    {
        Workspace = workspace;
        Id = id;
        _logger = workspace.Client.LoggerFactory.CreateLogger<RemoteConversation>();
    }

    /// <summary>Gets the conversation's id on the server.</summary>
    public Guid Id { get; }

    /// <summary>Gets the workspace (server connection) the conversation uses.</summary>
    public RemoteWorkspace Workspace { get; }

    private AgentServerClient Client => Workspace.Client;

    private string Path => $"api/conversations/{Id}";

    /// <summary>Starts a conversation with an LLM profile, sending only the profile's name.</summary>
    /// <param name="workspace">The server connection.</param>
    /// <param name="profileName">The profile; <see langword="null"/> for the server's active profile.</param>
    /// <param name="options">The conversation's options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    [Obsolete("Use RemoteWorkspace.Conversations.StartWithProfileAsync.")]
    public static Task<RemoteConversation> StartAsync(
        RemoteWorkspace workspace, string? profileName = null, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return workspace.Conversations.StartWithProfileAsync(profileName, options, cancellationToken);
    }

    /// <summary>Starts a conversation for an agent built in code (its LLM is made a profile first).</summary>
    /// <param name="workspace">The server connection.</param>
    /// <param name="agent">The agent.</param>
    /// <param name="options">The conversation's options.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The conversation.</returns>
    [Obsolete("Use RemoteWorkspace.Conversations.StartAsync.")]
    public static Task<RemoteConversation> StartAsync(
        RemoteWorkspace workspace, Agent agent, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return workspace.Conversations.StartAsync(agent, options, cancellationToken);
    }

    /// <summary>Attaches to an existing conversation on the server.</summary>
    /// <param name="workspace">The server connection.</param>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    [Obsolete("Use RemoteWorkspace.Conversations.RestoreAsync.")]
    public static Task<RemoteConversation> AttachAsync(RemoteWorkspace workspace, Guid conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return workspace.Conversations.RestoreAsync(conversationId, cancellationToken);
    }

    /// <summary>Adds a user message. It does not run the agent (see <see cref="RunAsync"/>). Sent once: a repeat would add it twice.</summary>
    /// <param name="text">The message.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has added the message.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task SendMessageAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var request = RemoteRequest.With(HttpMethod.Post, $"{Path}/events", Message(text), OpenHandsJson.Redacted.Contract<SendMessageRequest>(), idempotent: false);
        await Client.SendAsync(ForConversation(request), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses the conversation: a run stops after its current step; an idle conversation is marked paused.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has recorded the pause (or, for a running conversation, the request).</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task PauseAsync(CancellationToken cancellationToken = default) =>
        await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/pause", idempotent: true)), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Switches the conversation to another LLM profile, sending only its name; the server resolves it from its profile
    /// store, persists the reference and announces it with a <see cref="ConversationStateUpdateEvent"/> (key <c>llm_profile</c>).
    /// </summary>
    /// <param name="profileName">The profile.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the switch is persisted.</returns>
    /// <remarks>Sent once: a repeat would announce the switch twice.</remarks>
    /// <exception cref="InvalidProfileNameException"><paramref name="profileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile; nothing changed.</exception>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task SwitchProfileAsync(string profileName, CancellationToken cancellationToken = default)
    {
        var profile = ProfileName.Create(profileName);
        var body = new SwitchProfileRequest { ProfileName = profile.Value };
        var request = RemoteRequest.With(HttpMethod.Post, $"{Path}/switch_profile", body, OpenHandsJson.Redacted.Contract<SwitchProfileRequest>(), idempotent: false)
            with { NotFound = NotFoundMeaning.ProfileOrConversation, Profile = profile, Conversation = Id };
        await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the conversation's state: status, profile, the secret-free LLM snapshot.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteConversationState> GetStateAsync(CancellationToken cancellationToken = default) =>
        ReadState(await GetInfoAsync(cancellationToken).ConfigureAwait(false), Path);

    /// <summary>
    /// Computes where the conversation stands, as the local <see cref="Conversation.GetResult"/> does: its status, the
    /// agent's answer to the latest user message (if any) and the usage so far, reported by the server.
    /// </summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public async Task<ConversationResult> GetResultAsync(CancellationToken cancellationToken = default) =>
        await ResultAsync(await GetInfoAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads every event persisted so far, in order, page by page over REST (<c>GET …/events/search</c>).</summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The events.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public async Task<IReadOnlyList<ConversationEvent>> GetEventsAsync(CancellationToken cancellationToken = default)
    {
        var events = new List<ConversationEvent>();
        string? page = null;
        do
        {
            var query = page is null ? "limit=100" : $"limit=100&page_id={Uri.EscapeDataString(page)}";
            var result = await Client.SendAsync(ForConversation(RemoteRequest.Get($"{Path}/events/search?{query}")), OpenHandsJson.Redacted.Contract<EventPage>(), cancellationToken)
                .ConfigureAwait(false);
            events.AddRange(result.Items);
            page = result.NextPageId;
        }
        while (page is not null);

        return events;
    }

    /// <summary>Deletes the conversation on the server (its run is stopped and its files removed). Deleting one that is already gone succeeds.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the conversation is gone.</returns>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Client.SendAsync(ForConversation(new RemoteRequest(HttpMethod.Delete, Path) { Idempotent = true }), cancellationToken).ConfigureAwait(false);
        }
        catch (ConversationNotFoundException)
        {
            // Already gone (possibly by an earlier attempt whose answer was lost): the goal is reached.
        }
    }

    internal static async Task<RemoteConversation> StartCoreAsync(
        RemoteWorkspace workspace, ProfileName? profile, RemoteConversationOptions options, IEnumerable<ToolSpec> agentTools, CancellationToken cancellationToken)
    {
        if (options.MaxIterations is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, "options.MaxIterations");
        }

        var tools = agentTools.Concat(options.Tools).DistinctBy(t => t.Name, StringComparer.Ordinal).ToList();
        var body = new StartConversationRequest
        {
            LlmProfile = profile?.Value,
            ConversationId = options.ConversationId?.ToString(),
            MaxIterations = options.MaxIterations,
            Workspace = options.WorkingDirectory is { } dir ? new WorkspaceRequest { WorkingDir = dir } : null,

            // The agent without an LLM: the server resolves the LLM from llm_profile.
            Agent = tools.Count == 0 ? null : new AgentRequest
            {
                Kind = "Agent",
                Tools = [.. tools.Select(t => new ToolDocument { Name = t.Name, Params = t.Params.Count == 0 ? null : t.Params })],
            },
            InitialMessage = options.InitialMessage is { } initial ? Message(initial) : null,
        };
        var request = RemoteRequest.With(HttpMethod.Post, "api/conversations", body, OpenHandsJson.Redacted.Contract<StartConversationRequest>(), idempotent: options.ConversationId is not null)
            with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        var info = await workspace.Client.SendAsync(request, OpenHandsJson.Redacted.Contract<ConversationInfo>(), cancellationToken).ConfigureAwait(false);
        var state = ReadState(info, request.Path);
        var conversation = new RemoteConversation(workspace, state.Id);
        conversation._logger.ConversationStarted(state.Id, state.LlmProfile?.Value ?? profile?.Value ?? "(the server's active profile)");
        return conversation;
    }

    private static SendMessageRequest Message(string text) => new()
    {
        Role = "user",
        Content = [new MessagePart { Type = "text", Text = text }],
        Run = false,
    };

    private static RemoteConversationState ReadState(ConversationInfo info, string path)
    {
        if (!Guid.TryParse(info.Id, out var id))
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} has no conversation 'id'.");
        }

        var status = ConversationStateCodec.TryParseStatus(info.ExecutionStatus)
            ?? throw new AgentServerRequestException($"The agent server's answer to {path} has an unknown execution_status '{info.ExecutionStatus}'.");
        var profile = ProfileName.TryCreate(info.LlmProfile, out var name) ? name : (ProfileName?)null;
        OpenHands.Sdk.Llms.Llm? llm = null;
        if (info.Agent?.Llm is { } snapshot)
        {
            try
            {
                llm = LlmJsonCodec.FinishSecretFree(snapshot) with { SourceProfile = profile };
            }
            catch (LlmFormatException e)
            {
                throw new AgentServerRequestException($"The agent server's answer to {path} holds an invalid LLM: {e.Message}", e);
            }
        }

        return new RemoteConversationState(id, status, profile, llm, info.MaxIterations, info.Workspace?.WorkingDir, info.Title);
    }

    private Task<ConversationInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        Client.SendAsync(ForConversation(RemoteRequest.Get(Path)), OpenHandsJson.Redacted.Contract<ConversationInfo>(), cancellationToken);

    private async Task<ConversationResult> ResultAsync(ConversationInfo info, CancellationToken cancellationToken)
    {
        var state = ReadState(info, Path);
        var events = await GetEventsAsync(cancellationToken).ConfigureAwait(false);
        var m = info.Metrics;
        var t = m?.AccumulatedTokenUsage;
        var usage = new ConversationUsage(t?.PromptTokens ?? 0, t?.CompletionTokens ?? 0, t?.CacheReadTokens ?? 0, t?.ReasoningTokens ?? 0, m?.AccumulatedCost ?? 0, m?.Calls ?? 0);
        return ConversationResult.From(state.ExecutionStatus, events, usage);
    }

    private RemoteRequest ForConversation(RemoteRequest request) => request with { NotFound = NotFoundMeaning.Conversation, Conversation = Id };
}
