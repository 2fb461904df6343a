using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations;

/// <summary>
/// Starts and restores conversations with the services they share: the profile store, the one
/// <see cref="ProfileResolver"/>, the <see cref="ProfileMaterializer"/>, chat clients, tools, logging, the clock and the
/// persistence folder. <c>AddOpenHands</c> registers one; take it from the container.
/// </summary>
/// <remarks>
/// <para>
/// Starting from a profile (<see cref="StartWithProfileAsync"/>) reads it once through the resolver and keeps that
/// reference in the state. Starting from an <see cref="Agent"/> with a raw LLM (<see cref="StartAsync"/>) materializes
/// it once, when the conversation is persisted, and then runs by that reference. Switching and restoring resolve
/// through the same resolver. Apart from that one materialization, no start, switch or restore writes a profile.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class ConversationFactory
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan });
    private static readonly Lazy<ConversationFactory> InMemoryFactory = new(() => new ConversationFactory(new ConversationFactoryOptions()));

    /// <summary>Initializes a new instance of the <see cref="ConversationFactory"/> class.</summary>
    /// <param name="options">The shared services; copied, so later changes to <paramref name="options"/> change nothing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A persistence folder is set without a profile store, the folder is blank, or the resolver reads another store
    /// than <see cref="ConversationFactoryOptions.ProfileStore"/>.
    /// </exception>
    public ConversationFactory(ConversationFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PersistenceDirectory is { } folder && string.IsNullOrWhiteSpace(folder))
        {
            throw new ArgumentException("ConversationFactoryOptions.PersistenceDirectory is blank. Fix: set a folder, or leave it null to keep conversations in memory.", nameof(options));
        }

        if (options.PersistenceDirectory is not null && options.Store is not null)
        {
            throw new ArgumentException(
                "ConversationFactoryOptions.PersistenceDirectory and Store are both set. Fix: set Store (a FileConversationStore keeps a folder), or PersistenceDirectory alone.",
                nameof(options));
        }

        if ((options.PersistenceDirectory is not null || options.Store is not null) && options.ProfileStore is null)
        {
            throw new ArgumentException(
                $"ConversationFactoryOptions.{(options.Store is null ? $"PersistenceDirectory is set ('{options.PersistenceDirectory}')" : "Store is set")} but ProfileStore is not: a persisted conversation keeps a "
                + "profile reference, so it needs the application's profile store. Fix: set ConversationFactoryOptions.ProfileStore to the "
                + "store the rest of the application uses (or take ConversationFactory from a container set up with AddOpenHands), or "
                + "leave PersistenceDirectory and Store null to keep conversations in memory.",
                nameof(options));
        }

        if (options.Resolver is { } resolver && options.ProfileStore is { } store && !ReferenceEquals(resolver.Store, store))
        {
            throw new ArgumentException(
                "ConversationFactoryOptions.Resolver reads a different profile store than ConversationFactoryOptions.ProfileStore. "
                + "Fix: build both from the application's one store instance.",
                nameof(options));
        }

        ProfileStore = options.ProfileStore;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Time = options.TimeProvider ?? TimeProvider.System;
        Store = options.Store ?? (options.PersistenceDirectory is { } directory ? new FileConversationStore(directory, Time) : null);
        Resolver = options.Resolver ?? (options.ProfileStore is { } s ? new ProfileResolver(s) : null);
        Materializer = options.Materializer ?? (options.ProfileStore is { } m ? new ProfileMaterializer(m, options.LoggerFactory) : null);
        ToolRegistry = options.ToolRegistry ?? ToolRegistry.Default;
        Cipher = options.Cipher;
        CaptureMessageContent = options.CaptureMessageContent;
        ChatClientFactory = options.ChatClientFactory
            ?? new LlmChatClientFactory(SharedHttp.Value, timeProvider: Time, loggerFactory: options.LoggerFactory).CreateClient;
    }

    /// <summary>Gets the full path of the folder conversations are persisted under: the <see cref="FileConversationStore"/>'s; <see langword="null"/> in memory or in another store.</summary>
    public string? PersistenceDirectory => (Store as FileConversationStore)?.Directory;

    /// <summary>Gets the store conversations are persisted in, or <see langword="null"/> when they live in memory.</summary>
    public IConversationStore? Store { get; }

    internal static ConversationFactory InMemory => InMemoryFactory.Value;

    /// <summary>
    /// A factory with the same services (store, resolver, chat clients, tools, cipher, logging, clock) whose conversations
    /// live in memory only: they persist nothing and so materialize nothing (the agent server's <c>/v1</c> gateway).
    /// </summary>
    /// <returns>This factory when it persists nothing already, else the in-memory copy.</returns>
    public ConversationFactory WithoutPersistence() => Store is null ? this : new(new ConversationFactoryOptions
    {
        ProfileStore = ProfileStore,
        Resolver = Resolver,
        Materializer = Materializer,
        ChatClientFactory = ChatClientFactory,
        ToolRegistry = ToolRegistry,
        Cipher = Cipher,
        LoggerFactory = LoggerFactory,
        TimeProvider = Time,
    });

    internal ILlmProfileStore? ProfileStore { get; }

    /// <summary>Gets the resolver that reads profile references for this factory's conversations, when it has a profile store.</summary>
    public ProfileResolver? Resolver { get; }

    internal ProfileMaterializer? Materializer { get; }

    internal Func<Llm, IChatClient> ChatClientFactory { get; }

    /// <summary>Gets the tools this factory's conversations can use (a tool spec is checked by creating it here).</summary>
    public ToolRegistry ToolRegistry { get; }

    internal Cipher? Cipher { get; }

    internal bool CaptureMessageContent { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal TimeProvider Time { get; }

    /// <summary>
    /// Starts a conversation from an agent built in code. When the conversation is persisted its raw LLM is materialized
    /// once, through the <see cref="ProfileMaterializer"/>, and only the reference is kept; in memory nothing is written.
    /// </summary>
    /// <param name="agent">The agent.</param>
    /// <param name="options">The id, working folder, iteration cap and callbacks; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation, with its initial state persisted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ConversationOptions.MaxIterations"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">A conversation with the requested id already exists in the folder.</exception>
    public async Task<Conversation> StartAsync(Agent agent, ConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var start = await PrepareAsync(options ?? new ConversationOptions(), cancellationToken).ConfigureAwait(false);
        agent.Condenser?.Validate();
        var condenserLlm = await ResolveCondenserSnapshotAsync(agent, cancellationToken).ConfigureAwait(false);
        ProfileReference? reference = agent.Llm.SourceProfile is { } source ? new ProfileReference(source) : null;
        if (Store is not null)
        {
            // Invariant: a raw LLM crossing a persistence boundary becomes a profile; only the reference is stored.
            reference = await Materializer!.MaterializeAsync(agent.Llm, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return Create(start, agent, reference, condenserLlm);
    }

    /// <summary>
    /// Starts a conversation from an LLM profile: the profile is read once through the resolver, and that reference is
    /// kept in the state. Nothing is written to the profile store.
    /// </summary>
    /// <param name="profile">The profile; <see langword="null"/> for the active profile (whose name is then kept).</param>
    /// <param name="createAgent">Builds the agent around the resolved LLM (tools, prompt options); <see langword="null"/> for a plain agent.</param>
    /// <param name="options">The id, working folder, iteration cap and callbacks; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation, with its initial state persisted.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist, or none was named and none is active.</exception>
    /// <exception cref="InvalidProfileException">The profile cannot be read.</exception>
    /// <exception cref="Security.SecretDecryptionException">The profile's key cannot be decrypted.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ConversationOptions.MaxIterations"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">
    /// The factory has no profile store, the id already exists, or <paramref name="createAgent"/> returned an agent
    /// with another LLM than the one it was given.
    /// </exception>
    public async Task<Conversation> StartWithProfileAsync(
        ProfileReference? profile = null, Func<Llm, Agent>? createAgent = null, ConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var resolver = Resolver ?? throw new InvalidOperationException(
            "This ConversationFactory has no profile store to start from a profile. Fix: set ConversationFactoryOptions.ProfileStore, "
            + "or take ConversationFactory from a container set up with AddOpenHands.");
        var start = await PrepareAsync(options ?? new ConversationOptions(), cancellationToken).ConfigureAwait(false);
        var resolution = await resolver.ResolveProfileAsync(profile, cancellationToken).ConfigureAwait(false);
        var agent = createAgent is null ? new Agent(resolution.Llm) : createAgent(resolution.Llm);
        if (agent is null || !ReferenceEquals(agent.Llm, resolution.Llm))
        {
            throw new InvalidOperationException(
                "createAgent must return an agent around the LLM it is given, so that the conversation runs on the profile it keeps. "
                + "Fix: change the profile instead, or start from an Agent with StartAsync.");
        }

        agent.Condenser?.Validate();
        return Create(start, agent, resolution.Reference, await ResolveCondenserSnapshotAsync(agent, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Restores a persisted conversation: its state, its events, and its LLM re-resolved through the resolver. A profile
    /// that is gone, corrupt or encrypted with another key does not throw: the conversation runs on its secret-free
    /// snapshot, an event says why, and a switch makes it runnable. Nothing is written to the profile store.
    /// </summary>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="options">Only the callbacks apply; the working folder and iteration cap are the persisted ones.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="InvalidOperationException">The factory has no persistence folder.</exception>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    /// <remarks>
    /// Damaged files never hide a conversation. When <c>base_state.json</c> or an event file cannot be read, or an event
    /// file is missing between two others, the conversation is still restored, read-only: every event that can be read
    /// is there (also those after a gap), <see cref="Conversation.Damage"/> names each damaged file, and every method that
    /// would write throws <see cref="InvalidConversationException"/>, so no damaged file is overwritten. Its profile is
    /// not read: its agent shows the persisted snapshot (or, when the state is unreadable, the model <c>unknown</c>,
    /// and the status is <see cref="ConversationExecutionStatus.Error"/>). Temp files that crashed writes
    /// left in the conversation's folder are removed.
    /// </remarks>
    public async Task<Conversation> RestoreAsync(Guid conversationId, ConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var store = Store ?? throw new InvalidOperationException(
            "This ConversationFactory has no persistence folder or store, so there is nothing to restore. Fix: set "
            + "ConversationFactoryOptions.PersistenceDirectory (OpenHandsOptions.ConversationsDirectory with AddOpenHands) or ConversationFactoryOptions.Store.");
        var (persistence, log) = await ConversationPersistence.ReadAsync(store, conversationId, cancellationToken).ConfigureAwait(false);
        var callbacks = options?.Callbacks ?? [];
        if (persistence.Damage.Count > 0)
        {
            return new Conversation(this, persistence, log, ConversationPersistence.AgentFrom(persistence.State, persistence.State.LlmSnapshot), callbacks);
        }

        var resolution = await Resolver!.ResolveForRestoreAsync(persistence.State.LlmProfile, persistence.State.LlmSnapshot, cancellationToken).ConfigureAwait(false);
        Agent agent;
        try
        {
            agent = AgentExtrasCodec.Read(ConversationPersistence.AgentFrom(persistence.State, resolution.Llm), persistence.State, Cipher);
        }
        catch (Llms.Internal.LlmFormatException ex)
        {
            throw new InvalidConversationException(Path.Combine(persistence.Directory ?? string.Empty, ConversationPersistence.StateFileName), ex.Message, ex);
        }

        var conversation = new Conversation(this, persistence, log, agent, callbacks);
        if (resolution.IsFallback)
        {
            conversation.AnnounceFallback(resolution);
        }

        return conversation;
    }

    /// <summary>
    /// Lists the persisted conversations: in a folder, every sub-folder named by a conversation id (32 hex digits) that
    /// holds a <c>base_state.json</c> or an event file, damaged or not. Nothing is read or written.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids, in no particular order; empty when the folder does not exist.</returns>
    /// <exception cref="InvalidOperationException">The factory has no persistence folder or store.</exception>
    public Task<IReadOnlyList<Guid>> ListPersistedAsync(CancellationToken cancellationToken = default)
    {
        var store = Store ?? throw new InvalidOperationException(
            "This ConversationFactory has no persistence folder or store, so nothing is persisted. Fix: set "
            + "ConversationFactoryOptions.PersistenceDirectory (OpenHandsOptions.ConversationsDirectory with AddOpenHands) or ConversationFactoryOptions.Store.");
        return store.ListAsync(cancellationToken);
    }

    private async Task<Start> PrepareAsync(ConversationOptions options, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIterations, 1, nameof(options));
        ArgumentNullException.ThrowIfNull(options.ConfirmationPolicy, nameof(options));
        ConversationSecrets.Validate(options.Secrets.ToDictionary(), nameof(options));
        var id = options.ConversationId ?? Guid.NewGuid();
        if (Store is not null && await Store.ExistsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException(
                $"Conversation {id} already exists{(PersistenceDirectory is { } root ? $" in '{FileConversationStore.FolderFor(root, id)}'" : string.Empty)}. Restore it with ConversationFactory.RestoreAsync.");
        }

        return new Start(id, Path.GetFullPath(options.WorkingDirectory), options.MaxIterations, [.. options.Callbacks])
        {
            ConfirmationPolicy = options.ConfirmationPolicy,
            SecurityAnalyzer = options.SecurityAnalyzer,
            StuckDetection = options.StuckDetection,
            Secrets = options.Secrets.ToDictionary(StringComparer.Ordinal),
        };
    }

    private Conversation Create(Start start, Agent agent, ProfileReference? reference, Llm? condenserLlm)
    {
        var state = new ConversationState
        {
            Id = start.Id,
            LlmProfile = reference,
            LlmSnapshot = ConversationStateCodec.Snapshot(agent.Llm),
            Tools = agent.Tools,
            WorkingDirectory = start.WorkingDirectory,
            MaxIterations = start.MaxIterations,
            ConfirmationPolicy = start.ConfirmationPolicy,
            SecurityAnalyzer = start.SecurityAnalyzer,
            StuckDetection = start.StuckDetection,
            CondenserProfile = agent.Condenser?.Profile,
            AgentProperties = AgentExtrasCodec.Write(ConversationPersistence.AgentProperties(agent), agent, condenserLlm, Cipher),
        };
        var persistence = new ConversationPersistence(Store?.OpenWriter(start.Id), state);
        var conversation = new Conversation(this, persistence, persistence.OpenEventLog(), agent, start.Callbacks);
        conversation.AddStartSecrets(start.Secrets);
        persistence.Save();
        return conversation;
    }

    /// <summary>A new conversation with a copy of a state and its events (the same ids), a new id, idle, with fresh usage.</summary>
    /// <exception cref="InvalidOperationException">A conversation with <paramref name="id"/> already exists.</exception>
    internal async Task<Conversation> ForkAsync(
        ConversationState source, IReadOnlyList<Events.ConversationEvent> events, Agent agent, IReadOnlyDictionary<string, SecretString> secrets, Guid id,
        CancellationToken cancellationToken)
    {
        if (id == source.Id || (Store is not null && await Store.ExistsAsync(id, cancellationToken).ConfigureAwait(false)))
        {
            throw new InvalidOperationException($"Conversation {id} already exists. Fix: fork with another id, or with none to draw a new one.");
        }

        var state = source with { Id = id, ExecutionStatus = ConversationExecutionStatus.Idle, Metrics = System.Collections.Immutable.ImmutableDictionary<string, LlmUsageMetrics>.Empty };
        var persistence = new ConversationPersistence(Store?.OpenWriter(id), state);
        persistence.Save();   // the state first: a store lists a conversation by it
        var log = persistence.OpenEventLog();
        foreach (var e in events)
        {
            log.Append(e);
        }

        var conversation = new Conversation(this, persistence, log, agent, [], secrets);
        persistence.Save();
        return conversation;
    }

    /// <summary>The secret-free snapshot persisted for the condenser's LLM: its own profile's (read once, so a missing one fails the start), else none.</summary>
    private async Task<Llm?> ResolveCondenserSnapshotAsync(Agent agent, CancellationToken cancellationToken)
    {
        if (agent.Condenser?.Profile is not { } profile)
        {
            return null;
        }

        var resolver = Resolver ?? throw new InvalidOperationException(
            $"The condenser's profile '{profile}' cannot be resolved: this ConversationFactory has no profile store. Fix: set ConversationFactoryOptions.ProfileStore.");
        return ConversationStateCodec.Snapshot(await resolver.ResolveAsync(profile, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A start's per-conversation values, validated and copied before anything is read or written.</summary>
    private sealed record Start(Guid Id, string WorkingDirectory, int MaxIterations, Action<Events.ConversationEvent>[] Callbacks)
    {
        public required Agents.Security.ConfirmationPolicy ConfirmationPolicy { get; init; }

        public Agents.Security.ISecurityAnalyzer? SecurityAnalyzer { get; init; }

        public bool StuckDetection { get; init; }

        public required Dictionary<string, SecretString> Secrets { get; init; }
    }
}
