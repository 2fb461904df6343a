using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The conversations of this server. <see cref="ConversationLifetime"/> lists every conversation found in the
/// conversations folder when the host starts, before the first request, without reading any history; each one is
/// loaded (its state, its events, its profile re-resolved with the secret-free snapshot as fallback) on its first use,
/// once however many requests ask for it at the same moment. A conversation with damaged files is loaded too,
/// read-only, with its damage named (<see cref="Entry.Damage"/>). The listing routes (search, count, batch get) load
/// none: a conversation not loaded yet answers from its <see cref="ConversationSummary"/> (see the Listing part). The
/// host's stop stops their runs. The runs are owned here (see the Runs part).
/// </summary>
/// <remarks>
/// Thread-safe. Used without a host, the first call lists the conversations instead. Memory grows with the
/// conversations in use, not with all the history on disk.
/// </remarks>
internal sealed partial class ConversationService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    // Listed at start, not loaded yet: each load runs once (the Lazy), and its entry moves to _entries before it leaves here.
    private readonly ConcurrentDictionary<Guid, Lazy<Task<Entry?>>> _unloaded = new();

    // How many changes made by other instances were heard per conversation (shared database only).
    private readonly ConcurrentDictionary<Guid, int> _changes = new();
    private readonly Lock _restoreLock = new();
    private readonly ConversationFactory _factory;
    private readonly ConversationOwnership _ownership;
    private readonly ServerFolders _folders;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _restore;
    private int _disposed;

    public ConversationService(ConversationFactory factory, ConversationOwnership ownership, ServerFolders folders, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _factory = factory;
        _ownership = ownership;
        _folders = folders;
        _time = time;
        _logger = loggerFactory.CreateLogger<ConversationService>();
    }

    /// <summary>
    /// The conversation store: the factory's (the server sets <see cref="ServerFolders.Conversations"/>, or the database
    /// with <c>UsePostgreSql</c>).
    /// </summary>
    public IConversationStore Store => _factory.Store ?? throw new InvalidOperationException(
        "The agent server needs a persisted ConversationFactory. Fix: register it with AddOpenHandsAgentServer, which sets OpenHandsOptions.ConversationsDirectory.");

    /// <summary>Whether every persisted conversation has been listed (at start, by <see cref="ConversationLifetime"/>).</summary>
    public bool IsRestored => _restore is { IsCompletedSuccessfully: true };

    /// <summary>How many listed conversations are loaded (their events and live conversation in memory).</summary>
    public int LoadedCount => _entries.Count;

    /// <summary>
    /// Lists every persisted conversation, once, without loading any: the host calls it at start; a request that comes
    /// first waits for the same listing instead of starting another.
    /// </summary>
    public Task RestoreAllAsync(CancellationToken cancellationToken)
    {
        lock (_restoreLock)
        {
            _restore ??= RestoreCoreAsync(_stopping.Token);
        }

        return _restore.WaitAsync(cancellationToken);
    }

    /// <summary>Every conversation, each loaded (those not used yet are loaded now, one after the other); listings use <see cref="ListAsync"/>, which loads none.</summary>
    public async Task<IReadOnlyCollection<Entry>> AllAsync(CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in _unloaded.Keys)
        {
            _ = await LoadAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return [.. _entries.Values];
    }

    /// <summary>
    /// A conversation, loaded on its first use; one stored after the listing (by another instance on the same database,
    /// or another process) is restored now. Null when there is none (or it cannot be restored at all).
    /// </summary>
    public async Task<Entry?> TryGetAsync(Guid id, CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);
        if (_entries.TryGetValue(id, out var entry))
        {
            return entry;
        }

        return _unloaded.ContainsKey(id)
            ? await LoadAsync(id, cancellationToken).ConfigureAwait(false)
            : await TryRestoreLateAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads a listed conversation once; a second caller at the same moment awaits the same load.</summary>
    private async Task<Entry?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_unloaded.TryGetValue(id, out var load))
        {
            return _entries.GetValueOrDefault(id);   // loaded in the meantime, or never listed
        }

        // The load is the service's, not the request's: a caller that gives up does not cancel it for the others.
        return await load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Entry?> LoadCoreAsync(Guid id)
    {
        await Task.Yield();   // never load on the caller's stack (Lazy runs this under its lock)
        var stamp = ChangeStamp(id);
        Entry? entry = null;
        try
        {
            entry = await RestoreOneAsync(id, _stopping.Token).ConfigureAwait(false);
            if (entry is not null)
            {
                entry = _entries.GetOrAdd(id, entry);
            }

            return entry;
        }
        finally
        {
            _unloaded.TryRemove(id, out _);   // after the entry is in _entries: a lookup always finds it in one of them
            ForgetSummary(id);
            if (entry is not null)
            {
                DropIfChangedSince(entry, stamp);
            }
        }
    }

    public async Task<Entry> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            throw ApiException.Validation("Input should be a valid UUID", "uuid_parsing", "path", "conversation_id");
        }

        return await TryGetAsync(guid, cancellationToken).ConfigureAwait(false)
            ?? throw ApiException.NotFound($"Conversation not found: {guid}");
    }

    /// <summary>
    /// Starts a conversation by reference (<see cref="StartSpec.Profile"/>, or the active profile when it is null) without
    /// writing any profile; or, for a legacy inline LLM, materializes <see cref="StartSpec.InlineLlm"/> once and runs by that
    /// reference; <see cref="StartSpec.Launched"/> records the agent profile it came from. Without a working directory it runs in a folder of its own,
    /// <c>&lt;persistence&gt;/workspaces/&lt;id&gt;</c> (mode 0700). An existing id answers the existing conversation,
    /// damaged or not.
    /// </summary>
    public async Task<(Entry Entry, bool Created)> StartAsync(StartSpec spec, CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);
        if (spec.Id is { } existing && await TryGetAsync(existing, cancellationToken).ConfigureAwait(false) is { } known)
        {
            return (known, false);
        }

        var conversationId = spec.Id ?? spec.NewId ?? Guid.NewGuid();
        var options = new ConversationOptions
        {
            ConversationId = conversationId,
            MaxIterations = spec.MaxIterations ?? 500,
            WorkingDirectory = spec.WorkingDirectory ?? _folders.WorkspaceFor(conversationId),
            ConfirmationPolicy = spec.ConfirmationPolicy ?? OpenHands.Sdk.Agents.Security.ConfirmationPolicy.Never,
            SecurityAnalyzer = spec.SecurityAnalyzer,
            StuckDetection = spec.StuckDetection ?? true,
        };
        foreach (var (name, value) in spec.Secrets)
        {
            options.Secrets[name] = value;
        }

        Agent Build(Llm llm) => new Agent(llm, spec.Tools) { McpConfig = spec.McpConfig, Condenser = spec.Condenser };
        var conversation = spec.InlineLlm is { } inline
            ? await _factory.StartAsync(Build(inline), options, cancellationToken).ConfigureAwait(false)
            : await _factory.StartWithProfileAsync(spec.Profile, Build, options, cancellationToken).ConfigureAwait(false);
        if (spec.WorkingDirectory is null)
        {
            AtomicFile.EnsureDirectory(options.WorkingDirectory);
        }

        return (Register(conversation, launched: spec.Launched), true);
    }

    /// <summary>Adds a conversation made here (a start or a fork) with a new <c>meta.json</c>.</summary>
    public Entry Register(Conversation conversation, string? title = null, ImmutableSortedDictionary<string, string>? tags = null,
        OpenHands.Sdk.Serialization.Documents.LaunchedAgentProfileDocument? launched = null)
    {
        var entry = new Entry(conversation, _time.GetUtcNow(), _time, _factory.Store) { LaunchedAgentProfile = launched, LeaseToken = _ownership.Lease(conversation.Id)?.Token };
        if (title is not null || tags is not null)
        {
            entry.Update(title, tags);
        }
        else
        {
            entry.WriteMeta();
        }

        _entries[conversation.Id] = entry;
        return entry;
    }

    /// <summary>Whether <paramref name="id"/> is a conversation of this server, loaded or not (false once deleted).</summary>
    public bool Contains(Guid id) => _entries.ContainsKey(id) || _unloaded.ContainsKey(id);

    /// <summary>
    /// Deletes a conversation, damaged or not: its run is stopped and awaited, then the store deletes it (its folder, or its
    /// rows), so its id can be used again. Its workspace folder is kept (it holds the agent's work).
    /// </summary>
    public async Task<bool> DeleteAsync(Guid id)
    {
        if (!_entries.TryRemove(id, out var entry))
        {
            return false;
        }

        await StopRunAsync(entry).ConfigureAwait(false);
        await entry.Conversation.DisposeAsync().ConfigureAwait(false);
        await Store.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopRunsAsync(CancellationToken.None).ConfigureAwait(false);
        if (_restore is { } restore)
        {
            await restore.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        foreach (var load in _unloaded.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToArray())
        {
            await load.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        foreach (var entry in _entries.Values)
        {
            await entry.Conversation.DisposeAsync().ConfigureAwait(false);
        }

        _entries.Clear();
        _stopping.Dispose();
    }

    /// <summary>
    /// Lists the persisted conversations without reading their histories; each is loaded on its first use. (The file
    /// store's crash leftovers were removed by <see cref="ConversationLifetime"/> before.)
    /// </summary>
    private async Task RestoreCoreAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();   // never list on the caller's stack (it may hold a request thread)
        var started = _time.GetTimestamp();
        foreach (var id in await _factory.ListPersistedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!_entries.ContainsKey(id))
            {
                _unloaded.TryAdd(id, new Lazy<Task<Entry?>>(() => LoadCoreAsync(id), LazyThreadSafetyMode.ExecutionAndPublication));
            }
        }

        var elapsed = _time.GetElapsedTime(started);
        LogListed(_logger, _unloaded.Count, StoreName, (long)elapsed.TotalMilliseconds);
    }

    /// <summary>The store, for logs: the folder of a file store, else the store's kind.</summary>
    private string StoreName => Store is FileConversationStore files ? files.Directory : Store.GetType().Name;

    /// <summary>Restores one conversation with its <c>meta.json</c>; null when it is gone or cannot be restored at all.</summary>
    private async Task<Entry?> RestoreOneAsync(Guid id, CancellationToken cancellationToken)
    {
        Conversation conversation;
        long? freshUnder;
        try
        {
            freshUnder = await FreshTokenAsync(id, cancellationToken).ConfigureAwait(false);   // before the read: see ForWriteAsync
            conversation = await _factory.RestoreAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OpenHands.Sdk.OpenHandsException or IOException or UnauthorizedAccessException)
        {
            LogRestoreFailed(_logger, id, e.GetType().Name, e.Message);
            return null;
        }

        var entry = await Entry.RestoredAsync(conversation, Store, _time, cancellationToken).ConfigureAwait(false);
        entry.LeaseToken = freshUnder;
        foreach (var damage in entry.Damage)
        {
            LogDamaged(_logger, id, damage.File, damage.Problem);
        }

        LogLoaded(_logger, id, conversation.Damage.Count > 0 ? "read-only, with damaged files" : "healthy");
        return entry;
    }

    /// <summary>
    /// A conversation stored after the restore (another process or instance, a copy by hand): restored on demand.
    /// </summary>
    private async Task<Entry?> TryRestoreLateAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await Store.ExistsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return null;   // never stored, deleted, or an empty folder left by a start that crashed: a start goes ahead
        }

        var stamp = ChangeStamp(id);
        if (await RestoreOneAsync(id, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        var kept = _entries.GetOrAdd(id, entry);
        if (!ReferenceEquals(kept, entry))
        {
            await entry.Conversation.DisposeAsync().ConfigureAwait(false);   // a request at the same moment restored it first
        }
        else
        {
            DropIfChangedSince(entry, stamp);
        }

        return kept;
    }

    /// <summary>What a start request asks for, validated before anything is written.</summary>
    internal sealed record StartSpec
    {
        public ProfileReference? Profile { get; init; }

        public Llm? InlineLlm { get; init; }

        public ImmutableArray<ToolSpec> Tools { get; init; } = [];

        public Guid? Id { get; init; }

        /// <summary>Gets the id a new conversation gets when <see cref="Id"/> is null (drawn by the caller, which holds its lease).</summary>
        public Guid? NewId { get; init; }

        public OpenHands.Sdk.Serialization.Documents.LaunchedAgentProfileDocument? Launched { get; init; }

        public int? MaxIterations { get; init; }

        public string? WorkingDirectory { get; init; }

        public OpenHands.Sdk.Agents.Mcp.McpConfig? McpConfig { get; init; }

        public OpenHands.Sdk.Agents.Condensers.LlmSummarizingCondenser? Condenser { get; init; }

        public OpenHands.Sdk.Agents.Security.ConfirmationPolicy? ConfirmationPolicy { get; init; }

        public OpenHands.Sdk.Agents.Security.ISecurityAnalyzer? SecurityAnalyzer { get; init; }

        public bool? StuckDetection { get; init; }

        public IReadOnlyDictionary<string, OpenHands.Sdk.Security.SecretString> Secrets { get; init; } = new Dictionary<string, OpenHands.Sdk.Security.SecretString>();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listed {Count} conversations in {Store} in {Milliseconds} ms; each is loaded on its first use")]
    private static partial void LogListed(ILogger logger, int count, string store, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {Id} loaded ({Health})")]
    private static partial void LogLoaded(ILogger logger, Guid id, string health);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id}: {File} is damaged ({Problem}); the conversation is listed with what can be read")]
    private static partial void LogDamaged(ILogger logger, Guid id, string file, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id} could not be restored: {Error}: {Reason}")]
    private static partial void LogRestoreFailed(ILogger logger, Guid id, string error, string reason);
}
