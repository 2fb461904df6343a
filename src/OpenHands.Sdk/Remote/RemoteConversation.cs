using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote.Internal;

namespace OpenHands.Sdk.Remote;

/// <summary>
/// A conversation that runs on an agent server, driven by LLM profile reference: no request it sends carries an API key.
/// </summary>
/// <remarks>
/// <para>
/// Start one with <see cref="StartAsync(RemoteWorkspace, string?, RemoteConversationOptions?, CancellationToken)"/> (by
/// profile name, or the server's active profile), with
/// <see cref="StartAsync(RemoteWorkspace, Agent, RemoteConversationOptions?, CancellationToken)"/> (an agent built in
/// code: its LLM is saved once as a profile first), or attach to an existing one with <see cref="AttachAsync"/>.
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

    private RemoteConversation(RemoteWorkspace workspace, Guid id)
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
    /// <param name="profileName">The profile; <see langword="null"/> sends no profile, so the server uses its active profile.</param>
    /// <param name="options">The conversation's id, tools, limits and first message; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    /// <remarks>
    /// Tried once, unless <see cref="RemoteConversationOptions.ConversationId"/> is set: then the start is idempotent
    /// (the server answers an existing conversation with that id) and is retried like a read.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><paramref name="profileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="ProfileNotFoundException">The server has no such profile.</exception>
    /// <exception cref="AgentServerValidationException">No profile was named and the server has no active one, or the options are invalid.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public static async Task<RemoteConversation> StartAsync(
        RemoteWorkspace workspace, string? profileName = null, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var profile = profileName is null ? (ProfileName?)null : ProfileName.Create(profileName);
        return await StartCoreAsync(workspace, profile, options ?? new RemoteConversationOptions(), [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a conversation for an agent built in code: its LLM is first made a profile on the server
    /// (<see cref="RemoteWorkspace.MaterializeAsync(Llms.Llm, string?, CancellationToken)"/>: at most one save, the only request that carries the key), then
    /// the conversation starts with that profile's name.
    /// </summary>
    /// <param name="workspace">The server connection.</param>
    /// <param name="agent">The agent: its LLM and tools are used. Its prompt options are not sent (the server builds the prompt).</param>
    /// <param name="options">The conversation's id, further tools, limits, first message and profile name; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> or <paramref name="agent"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidProfileNameException"><see cref="RemoteConversationOptions.LlmProfileName"/> is not a valid profile name; nothing was sent.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    public static async Task<RemoteConversation> StartAsync(
        RemoteWorkspace workspace, Agent agent, RemoteConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(agent);
        options ??= new RemoteConversationOptions();
        var reference = await workspace.MaterializeAsync(agent.Llm, new ProfileMaterializeOptions { Name = options.LlmProfileName, ReplaceExisting = options.ReplaceLlmProfile }, cancellationToken).ConfigureAwait(false);
        return await StartCoreAsync(workspace, reference.Name, options, agent.Tools, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Attaches to an existing conversation on the server.</summary>
    /// <param name="workspace">The server connection.</param>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workspace"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public static async Task<RemoteConversation> AttachAsync(RemoteWorkspace workspace, Guid conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var conversation = new RemoteConversation(workspace, conversationId);
        await conversation.GetStateAsync(cancellationToken).ConfigureAwait(false);
        return conversation;
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
        var body = Message(text);
        body["run"] = false;
        await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/events", body, idempotent: false)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the agent loop on the server (a conversation that is already running counts as started) and, by default,
    /// waits until the run ends.
    /// </summary>
    /// <param name="waitForCompletion">
    /// Whether to wait until the run ends (finished, paused, waiting for confirmation) by polling the conversation every
    /// <see cref="RemoteWorkspaceOptions.StatusPollInterval"/>; <see langword="false"/> returns once the run has started.
    /// </param>
    /// <param name="cancellationToken">
    /// Cancels the request or the wait. Cancelling the wait pauses the run on the server (as cancelling a local
    /// <see cref="Conversation.RunAsync"/> does) before <see cref="OperationCanceledException"/> is thrown.
    /// </param>
    /// <returns>The conversation's state when the run ended (or, without waiting, when it started).</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="ConversationRunException">The run ended in error or the agent got stuck; the message carries the server's last error event.</exception>
    /// <exception cref="AgentServerException">The server refused a request, failed, or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<RemoteConversationState> RunAsync(bool waitForCompletion = true, CancellationToken cancellationToken = default)
    {
        var before = await GetStateAsync(cancellationToken).ConfigureAwait(false);
        var eventsBefore = waitForCompletion ? await CountEventsAsync(cancellationToken).ConfigureAwait(false) : 0;
        var alreadyRunning = false;
        try
        {
            await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/run", null, idempotent: false)), cancellationToken).ConfigureAwait(false);
        }
        catch (AgentServerConflictException)
        {
            alreadyRunning = true;   // 409: a run is in progress; wait for it like our own
        }

        if (!waitForCompletion)
        {
            return await GetStateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!alreadyRunning && before.ExecutionStatus == ConversationExecutionStatus.Finished)
        {
            return before;   // a finished conversation does not run until it gets a new message
        }

        try
        {
            return await WaitForRunEndAsync(before.ExecutionStatus, eventsBefore, alreadyRunning, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.PausingOnCancel(Id);
            await PauseQuietlyAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Pauses the conversation: a run stops after its current step; an idle conversation is marked paused.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has recorded the pause (or, for a running conversation, the request).</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task PauseAsync(CancellationToken cancellationToken = default) =>
        await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/pause", null, idempotent: true)), cancellationToken).ConfigureAwait(false);

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
        var request = RemoteRequest.Post($"{Path}/switch_profile", new JsonObject { ["profile_name"] = profile.Value }, idempotent: false)
            with { NotFound = NotFoundMeaning.ProfileOrConversation, Profile = profile, Conversation = Id };
        await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the conversation's state: status, profile, the secret-free LLM snapshot.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ConversationNotFoundException">The server has no such conversation.</exception>
    /// <exception cref="AgentServerException">The server refused the request, failed, or could not be reached.</exception>
    public async Task<RemoteConversationState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var json = await Client.SendAsync(ForConversation(RemoteRequest.Get(Path)), cancellationToken).ConfigureAwait(false);
        return ReadState(RemoteWorkspace.Require(json, Path), Path);
    }

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
            var request = ForConversation(RemoteRequest.Get($"{Path}/events/search?{query}"));
            var root = RemoteWorkspace.Require(await Client.SendAsync(request, cancellationToken).ConfigureAwait(false), request.Path);
            if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    events.Add(ReadEvent(item, request.Path));
                }
            }

            page = RemoteJson.String(root, "next_page_id");
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

    internal static ConversationEvent ReadEvent(JsonElement item, string path)
    {
        try
        {
            return EventJsonCodec.Read(item);
        }
        catch (Llms.Internal.LlmFormatException e)
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} holds an invalid event: {e.Message}", e);
        }
    }

    private static async Task<RemoteConversation> StartCoreAsync(
        RemoteWorkspace workspace, ProfileName? profile, RemoteConversationOptions options, IEnumerable<ToolSpec> agentTools, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (profile is { } p)
        {
            body["llm_profile"] = p.Value;
        }

        if (options.ConversationId is { } id)
        {
            body["conversation_id"] = id.ToString();
        }

        if (options.MaxIterations is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, "options.MaxIterations");
            body["max_iterations"] = max;
        }

        if (options.WorkingDirectory is { } dir)
        {
            body["workspace"] = new JsonObject { ["working_dir"] = dir };
        }

        var tools = agentTools.Concat(options.Tools).DistinctBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (tools.Count > 0)
        {
            // The agent without an LLM: the server resolves the LLM from llm_profile.
            body["agent"] = new JsonObject
            {
                ["kind"] = "Agent",
                ["tools"] = new JsonArray([.. tools.Select(t => (JsonNode?)ToolJson(t))]),
            };
        }

        if (options.InitialMessage is { } initial)
        {
            var message = Message(initial);
            message["run"] = false;
            body["initial_message"] = message;
        }

        var request = RemoteRequest.Post("api/conversations", body, idempotent: options.ConversationId is not null)
            with { NotFound = NotFoundMeaning.Profile, Profile = profile };
        var json = await workspace.Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = ReadState(RemoteWorkspace.Require(json, request.Path), request.Path);
        var conversation = new RemoteConversation(workspace, state.Id);
        conversation._logger.ConversationStarted(state.Id, state.LlmProfile?.Value ?? profile?.Value ?? "(the server's active profile)");
        return conversation;
    }

    private static JsonObject ToolJson(ToolSpec tool)
    {
        var json = new JsonObject { ["name"] = tool.Name };
        if (tool.Params.Count > 0)
        {
            var parameters = new JsonObject();
            foreach (var (key, value) in tool.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                parameters[key] = JsonNode.Parse(value.GetRawText());
            }

            json["params"] = parameters;
        }

        return json;
    }

    private static JsonObject Message(string text) => new()
    {
        ["role"] = "user",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
    };

    private static RemoteConversationState ReadState(JsonElement root, string path)
    {
        if (!Guid.TryParse(RemoteJson.String(root, "id"), out var id))
        {
            throw new AgentServerRequestException($"The agent server's answer to {path} has no conversation 'id'.");
        }

        var statusName = RemoteJson.String(root, "execution_status");
        var status = ConversationStateCodec.TryParseStatus(statusName)
            ?? throw new AgentServerRequestException($"The agent server's answer to {path} has an unknown execution_status '{statusName}'.");        var llm = root.TryGetProperty("agent", out var agent) && agent.ValueKind == JsonValueKind.Object
                  && agent.TryGetProperty("llm", out var l) && l.ValueKind == JsonValueKind.Object
            ? RemoteWorkspace.ReadLlm(agent, path, "llm")
            : null;
        var profile = ProfileName.TryCreate(RemoteJson.String(root, "llm_profile"), out var name) ? name : (ProfileName?)null;
        var workingDir = root.TryGetProperty("workspace", out var ws) ? RemoteJson.String(ws, "working_dir") : null;
        return new RemoteConversationState(
            id, status, profile, llm is null ? null : llm with { SourceProfile = profile }, RemoteJson.Int(root, "max_iterations") ?? 0, workingDir, RemoteJson.String(root, "title"));
    }

    private RemoteRequest ForConversation(RemoteRequest request) => request with { NotFound = NotFoundMeaning.Conversation, Conversation = Id };

    private async Task<int> CountEventsAsync(CancellationToken cancellationToken)
    {
        var json = await Client.SendAsync(ForConversation(RemoteRequest.Get($"{Path}/events/count")), cancellationToken).ConfigureAwait(false);
        return json is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var count) ? count : 0;
    }

    /// <summary>
    /// Polls until the run ends. A status that is neither idle nor running ends the wait once the run has visibly
    /// happened: the status was seen running, it changed, or events were added (the run may not have started yet
    /// when the first poll arrives, so an unchanged status alone proves nothing).
    /// </summary>
    private async Task<RemoteConversationState> WaitForRunEndAsync(
        ConversationExecutionStatus statusBefore, int eventsBefore, bool sawRunning, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = await GetStateAsync(cancellationToken).ConfigureAwait(false);
            switch (state.ExecutionStatus)
            {
                case ConversationExecutionStatus.Running:
                    sawRunning = true;
                    break;
                case ConversationExecutionStatus.Idle:
                    break;
                default:
                    if (sawRunning || state.ExecutionStatus != statusBefore || await CountEventsAsync(cancellationToken).ConfigureAwait(false) > eventsBefore)
                    {
                        return state.ExecutionStatus is ConversationExecutionStatus.Error or ConversationExecutionStatus.Stuck
                            ? throw await RunFailureAsync(state, cancellationToken).ConfigureAwait(false)
                            : state;
                    }

                    break;
            }

            await Task.Delay(Client.StatusPollInterval, Client.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ConversationRunException> RunFailureAsync(RemoteConversationState state, CancellationToken cancellationToken)
    {
        string? why = null;
        try
        {
            var request = ForConversation(RemoteRequest.Get($"{Path}/events/search?kind=ConversationErrorEvent&sort_order=TIMESTAMP_DESC&limit=1"));
            var root = RemoteWorkspace.Require(await Client.SendAsync(request, cancellationToken).ConfigureAwait(false), request.Path);
            if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array && items.GetArrayLength() > 0
                && ReadEvent(items[0], request.Path) is ConversationErrorEvent error)
            {
                why = $"{error.Code}: {error.Detail}";
            }
        }
        catch (AgentServerException)
        {
            // The status alone still says what happened.
        }

        var status = state.ExecutionStatus == ConversationExecutionStatus.Stuck ? "the agent got stuck" : "the run ended in error";
        return new ConversationRunException(
            Id, Client.Redact(string.Create(CultureInfo.InvariantCulture, $"Conversation {Id} on the agent server at {Client.BaseAddress}: {status}{(why is null ? "." : ": " + why)}")));
    }

    private async Task PauseQuietlyAsync()
    {
        using var timeout = new CancellationTokenSource(Client.AttemptTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromSeconds(30) : Client.AttemptTimeout, Client.Time);
        try
        {
            await Client.SendAsync(ForConversation(RemoteRequest.Post($"{Path}/pause", null, idempotent: false)), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AgentServerException or OperationCanceledException)
        {
            // Best effort: the caller asked to stop waiting, not to learn about the pause.
        }
    }
}
