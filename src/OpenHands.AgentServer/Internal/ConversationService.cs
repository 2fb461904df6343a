using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Internal;
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
    private readonly ConversationFactory _factory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private bool _loaded;

    public ConversationService(ConversationFactory factory, ILoggerFactory loggerFactory)
    {
        _factory = factory;
        _logger = loggerFactory.CreateLogger<ConversationService>();
    }

    /// <summary>The conversations folder: the factory's (the server sets it to <see cref="AgentServerOptions.ConversationsPath"/>).</summary>
    public string Folder => _factory.PersistenceDirectory ?? throw new InvalidOperationException(
        "The agent server needs a persisted ConversationFactory. Fix: register it with AddOpenHandsAgentServer, which sets OpenHandsOptions.ConversationsDirectory.");

    private static ConversationOptions Options(Guid? id, int? maxIterations, string? workingDirectory) => new()
    {
        ConversationId = id,
        MaxIterations = maxIterations ?? 500,
        WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
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

    /// <summary>
    /// Starts a conversation by reference (<paramref name="profile"/>, or the active profile when it is null) without
    /// writing any profile; or, for a legacy inline LLM, materializes <paramref name="inlineLlm"/> once and runs by that
    /// reference.
    /// </summary>
    public async Task<(Entry Entry, bool Created)> StartAsync(
        ProfileReference? profile, Llm? inlineLlm, ImmutableArray<ToolSpec> tools, Guid? id, int? maxIterations, string? workingDirectory, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        if (id is { } existing && _entries.TryGetValue(existing, out var found))
        {
            return (found, false);
        }

        var options = Options(id, maxIterations, workingDirectory);
        var conversation = inlineLlm is not null
            ? await _factory.StartAsync(new Agent(inlineLlm, tools), options, cancellationToken).ConfigureAwait(false)
            : await _factory.StartWithProfileAsync(profile, llm => new Agent(llm, tools), options, cancellationToken).ConfigureAwait(false);
        var entry = new Entry(conversation, TimeProvider.System.GetUtcNow());
        entry.WriteMeta();
        _entries[conversation.Id] = entry;
        return (entry, true);
    }

    /// <summary>Whether <paramref name="id"/> is a live conversation of this server (false once deleted).</summary>
    public bool Contains(Guid id) => _entries.ContainsKey(id);

    /// <summary>Ends when the server begins to stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

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
                        var conversation = await _factory.RestoreAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
                        var entry = new Entry(conversation, File.GetCreationTimeUtc(Path.Combine(dir, "base_state.json")));
                        if (entry.ReadMeta() is { } problem)
                        {
                            LogMetaUnreadable(_logger, id, problem);
                        }

                        _entries[id] = entry;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id}: meta.json was not read ({Reason}); title and tags start empty")]
    private static partial void LogMetaUnreadable(ILogger logger, Guid id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {Id} could not be restored: {Reason}")]
    private static partial void LogRestoreFailed(ILogger logger, Guid id, string reason);

    /// <summary>A live conversation, its background run and its server-side record (<c>meta.json</c>: title, tags, times).</summary>
    internal sealed class Entry(Conversation conversation, DateTimeOffset createdAt)
    {
        public const string MetaFileName = "meta.json";

        private int _subscribers;

        public Conversation Conversation { get; } = conversation;

        public DateTimeOffset CreatedAt { get; private set; } = createdAt;

        public DateTimeOffset UpdatedAt { get; private set; } = createdAt;

        public Task? RunTask { get; set; }

        public bool IsRunning => RunTask is { IsCompleted: false };

        public string? Title { get; private set; }

        public ImmutableSortedDictionary<string, string> Tags { get; private set; } = ImmutableSortedDictionary<string, string>.Empty;

        /// <summary>Takes a websocket subscriber slot; false when <paramref name="limit"/> are already taken.</summary>
        public bool TryAddSubscriber(int limit)
        {
            if (Interlocked.Increment(ref _subscribers) <= limit)
            {
                return true;
            }

            Interlocked.Decrement(ref _subscribers);
            return false;
        }

        public void RemoveSubscriber() => Interlocked.Decrement(ref _subscribers);

        /// <summary>Changes title and/or tags and writes <c>meta.json</c> atomically before the change is visible.</summary>
        public void Update(string? title, ImmutableSortedDictionary<string, string>? tags)
        {
            lock (this)
            {
                var (oldTitle, oldTags, oldUpdated) = (Title, Tags, UpdatedAt);
                Title = title ?? Title;
                Tags = tags ?? Tags;
                UpdatedAt = TimeProvider.System.GetUtcNow();
                try
                {
                    WriteMeta();
                }
                catch
                {
                    (Title, Tags, UpdatedAt) = (oldTitle, oldTags, oldUpdated);
                    throw;
                }
            }
        }

        public void WriteMeta()
        {
            if (Conversation.Directory is not { } dir)
            {
                return;
            }

            var tags = new JsonObject();
            foreach (var (k, v) in Tags)
            {
                tags[k] = v;
            }

            var meta = new JsonObject
            {
                ["id"] = Conversation.Id.ToString(),
                ["title"] = Title,
                ["tags"] = tags,
                ["created_at"] = CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["updated_at"] = UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            };
            AtomicFile.Write(Path.Combine(dir, MetaFileName), JsonSerializer.SerializeToUtf8Bytes(meta), flushToDisk: false);
        }

        /// <summary>Reads <c>meta.json</c> when there is one; returns why it could not be read, or null.</summary>
        public string? ReadMeta()
        {
            if (Conversation.Directory is not { } dir || !File.Exists(Path.Combine(dir, MetaFileName)))
            {
                return null;
            }

            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, MetaFileName)));
                var root = doc.RootElement;
                if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    Title = t.GetString();
                }

                if (root.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object)
                {
                    Tags = tags.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                        .ToImmutableSortedDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
                }

                if (root.TryGetProperty("created_at", out var c) && c.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var created))
                {
                    CreatedAt = created;
                }

                UpdatedAt = root.TryGetProperty("updated_at", out var u) && u.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var updated) ? updated : CreatedAt;
                return null;
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                return e.GetType().Name;
            }
        }
    }
}
