using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The live conversations of this server. On first use it restores every conversation found in the conversations folder
/// (each re-resolves its profile, falling back to its secret-free snapshot), so a restart loses nothing.
/// </summary>
internal sealed partial class ConversationService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly AgentServerOptions _options;
    private readonly ILlmProfileStore _profiles;
    private readonly LlmChatClientFactory _chatClients;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private bool _loaded;

    public ConversationService(IOptions<AgentServerOptions> options, ILlmProfileStore profiles, LlmChatClientFactory chatClients, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _profiles = profiles;
        _chatClients = chatClients;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ConversationService>();
    }

    public string Folder => Path.GetFullPath(_options.ConversationsPath);

    public ConversationOptions Options(Guid? id = null, int? maxIterations = null, string? workingDirectory = null) => new()
    {
        PersistenceDirectory = Folder,
        ConversationId = id,
        MaxIterations = maxIterations ?? 500,
        WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        ProfileStore = _profiles,
        ChatClientFactory = _chatClients.CreateClient,
        LoggerFactory = _loggerFactory,
    };

    public async Task<IReadOnlyCollection<Entry>> AllAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return [.. _entries.Values];
    }

    public async Task<Entry?> TryGetAsync(Guid id, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
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

    public async Task<(Entry Entry, bool Created)> StartAsync(Agent agent, Guid? id, int? maxIterations, string? workingDirectory, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        if (id is { } existing && _entries.TryGetValue(existing, out var found))
        {
            return (found, false);
        }

        var conversation = await Conversation.CreateAsync(agent, Options(id, maxIterations, workingDirectory), cancellationToken).ConfigureAwait(false);
        var entry = new Entry(conversation, TimeProvider.System.GetUtcNow());
        _entries[conversation.Id] = entry;
        return (entry, true);
    }

    /// <summary>Starts the agent loop in the background; false when it is already running.</summary>
    public bool TryStartRun(Entry entry)
    {
        lock (entry)
        {
            if (entry.IsRunning)
            {
                return false;
            }

            entry.RunTask = Task.Run(async () =>
            {
                try
                {
                    await entry.Conversation.RunAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRunFailed(_logger, entry.Conversation.Id, e.GetType().Name);
                }
            });
            return true;
        }
    }

    public async Task<bool> DeleteAsync(Guid id)
    {
        if (!_entries.TryRemove(id, out var entry))
        {
            return false;
        }

        await entry.Conversation.PauseAsync().ConfigureAwait(false);
        if (entry.RunTask is { } run)
        {
            await run.ConfigureAwait(false);
        }

        await entry.Conversation.DisposeAsync().ConfigureAwait(false);
        if (entry.Conversation.Directory is { } dir && System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var entry in _entries.Values)
        {
            if (entry.RunTask is { } run)
            {
                await run.ConfigureAwait(false);
            }

            await entry.Conversation.DisposeAsync().ConfigureAwait(false);
        }

        _entries.Clear();
        _stopping.Dispose();
        _loadGate.Dispose();
    }

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _loaded))
        {
            return;
        }

        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded)
            {
                return;
            }

            if (System.IO.Directory.Exists(Folder))
            {
                foreach (var dir in System.IO.Directory.EnumerateDirectories(Folder))
                {
                    if (!Guid.TryParseExact(Path.GetFileName(dir), "N", out var id) || !File.Exists(Path.Combine(dir, "base_state.json")))
                    {
                        continue;
                    }

                    try
                    {
                        var conversation = await Conversation.RestoreAsync(id, Options(id), cancellationToken).ConfigureAwait(false);
                        _entries[id] = new Entry(conversation, File.GetCreationTimeUtc(Path.Combine(dir, "base_state.json")));
                    }
                    catch (InvalidConversationException e)
                    {
                        LogRestoreFailed(_logger, id, e.Message);
                    }
                }
            }

            Volatile.Write(ref _loaded, true);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id} run ended with {Error}")]
    private static partial void LogRunFailed(ILogger logger, Guid id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id} could not be restored: {Reason}")]
    private static partial void LogRestoreFailed(ILogger logger, Guid id, string reason);

    /// <summary>A live conversation and its background run.</summary>
    internal sealed class Entry(Conversation conversation, DateTimeOffset createdAt)
    {
        public Conversation Conversation { get; } = conversation;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public Task? RunTask { get; set; }

        public bool IsRunning => RunTask is { IsCompleted: false };

        public string? Title { get; set; }

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    }
}
