using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The live conversations of this server. <see cref="ConversationLifetime"/> restores every conversation found in the
/// conversations folder when the host starts, before the first request (each re-resolves its profile, falling back to
/// its secret-free snapshot), and stops their runs when it stops; a conversation with damaged files is restored too,
/// read-only, with its damage named (<see cref="Entry.Damage"/>). The runs are owned here (see the Runs part).
/// </summary>
/// <remarks>Thread-safe. Used without a host, the first call restores the conversations instead.</remarks>
internal sealed partial class ConversationService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly Lock _restoreLock = new();
    private readonly ConversationFactory _factory;
    private readonly ServerFolders _folders;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _restore;
    private int _disposed;

    public ConversationService(ConversationFactory factory, ServerFolders folders, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _factory = factory;
        _folders = folders;
        _time = time;
        _logger = loggerFactory.CreateLogger<ConversationService>();
    }

    /// <summary>The conversations folder: the factory's (the server sets it to <see cref="ServerFolders.Conversations"/>).</summary>
    public string Folder => _factory.PersistenceDirectory ?? throw new InvalidOperationException(
        "The agent server needs a persisted ConversationFactory. Fix: register it with AddOpenHandsAgentServer, which sets OpenHandsOptions.ConversationsDirectory.");

    /// <summary>Whether every persisted conversation has been restored (at start, by <see cref="ConversationLifetime"/>).</summary>
    public bool IsRestored => _restore is { IsCompletedSuccessfully: true };

    /// <summary>
    /// Restores every persisted conversation, once: the host calls it at start; a request that comes first waits for
    /// the same restore instead of starting another.
    /// </summary>
    public Task RestoreAllAsync(CancellationToken cancellationToken)
    {
        lock (_restoreLock)
        {
            _restore ??= RestoreCoreAsync(_stopping.Token);
        }

        return _restore.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyCollection<Entry>> AllAsync(CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);
        return [.. _entries.Values];
    }

    public async Task<Entry?> TryGetAsync(Guid id, CancellationToken cancellationToken)
    {
        await RestoreAllAsync(cancellationToken).ConfigureAwait(false);
        return _entries.TryGetValue(id, out var entry) ? entry : null;
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
        if (spec.Id is { } existing && (_entries.TryGetValue(existing, out var found) ? found : await TryRestoreLateAsync(existing, cancellationToken).ConfigureAwait(false)) is { } known)
        {
            return (known, false);
        }

        var conversationId = spec.Id ?? Guid.NewGuid();
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
        var entry = new Entry(conversation, _time.GetUtcNow(), _time) { LaunchedAgentProfile = launched };
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

    /// <summary>Whether <paramref name="id"/> is a live conversation of this server (false once deleted).</summary>
    public bool Contains(Guid id) => _entries.ContainsKey(id);

    /// <summary>
    /// Deletes a conversation, damaged or not: its run is stopped and awaited, then its folder is removed, so its id can
    /// be used again. Its workspace folder is kept (it holds the agent's work).
    /// </summary>
    public async Task<bool> DeleteAsync(Guid id)
    {
        if (!_entries.TryRemove(id, out var entry))
        {
            return false;
        }

        await StopRunAsync(entry).ConfigureAwait(false);
        await entry.Conversation.DisposeAsync().ConfigureAwait(false);
        if (entry.Conversation.Directory is { } dir && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

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

        foreach (var entry in _entries.Values)
        {
            await entry.Conversation.DisposeAsync().ConfigureAwait(false);
        }

        _entries.Clear();
        _stopping.Dispose();
    }

    private async Task RestoreCoreAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();   // never restore on the caller's stack (it may hold a request thread)
        var started = _time.GetTimestamp();
        var damaged = 0;
        foreach (var id in await _factory.ListPersistedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await RestoreOneAsync(id, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                _entries.TryAdd(id, entry);
                damaged += entry.Damage.Count > 0 ? 1 : 0;
            }
        }

        var elapsed = _time.GetElapsedTime(started);
        LogRestored(_logger, _entries.Count, damaged, Folder, (long)elapsed.TotalMilliseconds);
    }

    /// <summary>Restores one conversation with its <c>meta.json</c>; null when it is gone or cannot be restored at all.</summary>
    private async Task<Entry?> RestoreOneAsync(Guid id, CancellationToken cancellationToken)
    {
        Conversation conversation;
        try
        {
            conversation = await _factory.RestoreAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OpenHands.Sdk.OpenHandsException or IOException or UnauthorizedAccessException)
        {
            LogRestoreFailed(_logger, id, e.GetType().Name, e.Message);
            return null;
        }

        var entry = Entry.Restored(conversation, _time);
        foreach (var damage in entry.Damage)
        {
            LogDamaged(_logger, id, damage.File, damage.Problem);
        }

        return entry;
    }

    /// <summary>A conversation whose folder appeared after the restore (another process, a copy by hand): restored on demand.</summary>
    private async Task<Entry?> TryRestoreLateAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(Folder, id.ToString("N"))))
        {
            return null;
        }

        try
        {
            var conversation = await _factory.RestoreAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
            return _entries.GetOrAdd(id, Entry.Restored(conversation, _time));
        }
        catch (InvalidConversationException)
        {
            return null;   // an empty folder left by a start that crashed: the start goes ahead
        }
    }

    /// <summary>What a start request asks for, validated before anything is written.</summary>
    internal sealed record StartSpec
    {
        public ProfileReference? Profile { get; init; }

        public Llm? InlineLlm { get; init; }

        public ImmutableArray<ToolSpec> Tools { get; init; } = [];

        public Guid? Id { get; init; }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} conversations ({Damaged} with damaged files) from {Folder} in {Milliseconds} ms")]
    private static partial void LogRestored(ILogger logger, int count, int damaged, string folder, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id}: {File} is damaged ({Problem}); the conversation is listed with what can be read")]
    private static partial void LogDamaged(ILogger logger, Guid id, string file, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id} could not be restored: {Error}: {Reason}")]
    private static partial void LogRestoreFailed(ILogger logger, Guid id, string error, string reason);
}
