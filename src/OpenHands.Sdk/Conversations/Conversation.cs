using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations;

/// <summary>
/// A conversation between a user and an agent: its events, its state, and the agent loop that advances it.
/// </summary>
/// <remarks>
/// <para>
/// With a persistence folder, the conversation keeps <c>&lt;folder&gt;/&lt;id-hex&gt;/base_state.json</c> and one file
/// per event under <c>events/</c>, in the Python SDK's layout. The LLM is persisted as a profile reference plus a
/// secret-free snapshot; a raw <see cref="Llm"/> is materialized into a profile first. Restoring re-resolves the
/// profile, so an edited profile or a rotated key takes effect; when the profile is gone or unreadable the snapshot
/// is used, an event says why, and <see cref="SwitchProfileAsync(ProfileName, CancellationToken)"/> makes it runnable.
/// </para>
/// <para>
/// Events are persisted before callbacks and subscribers see them. Methods may be called from several threads; one
/// run at a time.
/// </para>
/// </remarks>
public sealed partial class Conversation : IAsyncDisposable
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EventLog _log;
    private readonly string? _directory;
    private readonly ConversationOptions _options;
    private readonly ILlmProfileStore? _store;
    private readonly ToolRegistry _registry;
    private readonly Func<Llm, IChatClient> _clientFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<Channel<ConversationEvent>> _subscribers = [];
    private readonly Dictionary<Llm, IChatClient> _clients = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, ITool>? _tools;
    private List<AITool>? _declarations;
    private ConversationState _state;
    private Agent _agent;
    private int _running;
    private volatile bool _pauseRequested;
    private bool _disposed;

    private Conversation(ConversationState state, Agent agent, EventLog log, string? directory, ConversationOptions options, ILlmProfileStore? store)
    {
        _state = state;
        _agent = agent;
        _log = log;
        _directory = directory;
        _options = options;
        _store = store;
        _registry = options.ToolRegistry ?? ToolRegistry.Default;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = options.LoggerFactory?.CreateLogger<Conversation>() ?? NullLogger<Conversation>.Instance;
        _clientFactory = options.ChatClientFactory
            ?? new LlmChatClientFactory(SharedHttp.Value, timeProvider: _time, loggerFactory: options.LoggerFactory).CreateClient;
    }

    /// <summary>Gets the conversation's id.</summary>
    public Guid Id => _state.Id;

    /// <summary>Gets the current persisted state.</summary>
    public ConversationState State => _state;

    /// <summary>Gets the agent as it runs now (its LLM is the live one, with its key).</summary>
    public Agent Agent => _agent;

    /// <summary>Gets a snapshot of the events so far, oldest first.</summary>
    public IReadOnlyList<ConversationEvent> Events
    {
        get
        {
            lock (_subscribers)
            {
                return [.. _log.Events];
            }
        }
    }

    /// <summary>Gets the folder of this conversation's files, or <see langword="null"/> when nothing is persisted.</summary>
    public string? Directory => _directory;

    /// <summary>Creates a new conversation.</summary>
    /// <param name="agent">The agent. A raw LLM is materialized into a profile when the conversation is persisted.</param>
    /// <param name="options">Persistence, tools, profile store and callbacks.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation, with its initial state persisted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A conversation with the requested id already exists in the folder.</exception>
    public static async Task<Conversation> CreateAsync(Agent agent, ConversationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIterations, 1, nameof(options));
        var id = options.ConversationId ?? Guid.NewGuid();
        var directory = options.PersistenceDirectory is null ? null : Path.Combine(Path.GetFullPath(options.PersistenceDirectory), id.ToString("N"));
        if (directory is not null && File.Exists(Path.Combine(directory, StateFileName)))
        {
            throw new InvalidOperationException($"Conversation {id} already exists in '{directory}'. Restore it with Conversation.RestoreAsync.");
        }

        var store = directory is null ? options.ProfileStore : options.ProfileStore ?? new LlmProfileStore(new LlmProfileStoreOptions(), loggerFactory: options.LoggerFactory);
        ProfileReference? reference = agent.Llm.SourceProfile is { } source ? new ProfileReference(source) : null;
        if (directory is not null)
        {
            // Invariant: a raw LLM crossing a persistence boundary becomes a profile; only the reference is stored.
            reference = await new ProfileMaterializer(store!, options.LoggerFactory)
                .MaterializeAsync(agent.Llm, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var state = new ConversationState
        {
            Id = id,
            LlmProfile = reference,
            LlmSnapshot = ConversationStateCodec.Snapshot(agent.Llm),
            Tools = agent.Tools,
            WorkingDirectory = Path.GetFullPath(options.WorkingDirectory),
            MaxIterations = options.MaxIterations,
            AgentProperties = AgentProperties(agent),
        };
        var log = directory is null ? EventLog.InMemory() : EventLog.Open(Path.Combine(directory, EventsFolderName));
        var conversation = new Conversation(state, agent, log, directory, options, store);
        conversation.SaveState();
        return conversation;
    }

    /// <summary>
    /// Restores a persisted conversation: its state, its events, and its LLM re-resolved from the profile store.
    /// </summary>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="options">The same persistence folder as when it was created; profile store, tools and callbacks.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The conversation. If its profile is gone or unreadable it runs on the secret-free snapshot until a switch.</returns>
    /// <exception cref="ArgumentException">No persistence folder is set.</exception>
    /// <exception cref="InvalidConversationException">The conversation does not exist, or its files cannot be read.</exception>
    public static async Task<Conversation> RestoreAsync(Guid conversationId, ConversationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PersistenceDirectory is null)
        {
            throw new ArgumentException("ConversationOptions.PersistenceDirectory is required to restore a conversation.", nameof(options));
        }

        var directory = Path.Combine(Path.GetFullPath(options.PersistenceDirectory), conversationId.ToString("N"));
        var statePath = Path.Combine(directory, StateFileName);
        ConversationState state;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(statePath, cancellationToken).ConfigureAwait(false));
            state = ConversationStateCodec.Read(document.RootElement);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidConversationException($"Conversation {conversationId} was not found in '{options.PersistenceDirectory}'.", ex);
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            throw new InvalidConversationException(statePath, ex.Message, ex);
        }

        if (state.Id != conversationId)
        {
            throw new InvalidConversationException(statePath, $"it holds conversation {state.Id}, not {conversationId}", null);
        }

        var store = options.ProfileStore ?? new LlmProfileStore(new LlmProfileStoreOptions(), loggerFactory: options.LoggerFactory);
        var log = EventLog.Open(Path.Combine(directory, EventsFolderName));
        var (llm, fallbackReason) = await ResolveForRestoreAsync(state, store, cancellationToken).ConfigureAwait(false);
        var agent = AgentFromState(state, llm);
        var conversation = new Conversation(state, agent, log, directory, options, store);
        if (fallbackReason is not null)
        {
            conversation.Emit(ProfileEvent(state.LlmProfile, llm.Model, fallbackReason));
        }

        return conversation;
    }

    /// <summary>Adds a user message. It does not run the agent.</summary>
    /// <param name="text">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message event, as persisted.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    public async Task<MessageEvent> SendMessageAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureInitialized();
            var message = new MessageEvent { Source = EventSource.User, Role = "user", Text = text };
            var emitted = (MessageEvent)Emit(message);
            if (_state.ExecutionStatus is ConversationExecutionStatus.Finished or ConversationExecutionStatus.Stuck)
            {
                SetStatus(ConversationExecutionStatus.Idle);
            }

            return emitted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs the agent until it finishes, is paused, hits the iteration cap (an error event, not an exception) or fails.
    /// </summary>
    /// <param name="cancellationToken">Pauses the run: the conversation is left paused and a later run continues.</param>
    /// <returns>A task that completes when the run stops.</returns>
    /// <exception cref="InvalidOperationException">Another run is in progress.</exception>
    /// <exception cref="ConversationRunException">The run failed (for example the LLM failed after its retries).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the conversation is paused.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Conversation {Id} is already running.");
        }

        try
        {
            await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Pauses the conversation: a run stops after its current step; an idle conversation is marked paused.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the pause is recorded (or requested, for a running conversation).</returns>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _running) == 1)
        {
            _pauseRequested = true;
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state.ExecutionStatus is ConversationExecutionStatus.Idle or ConversationExecutionStatus.Running)
            {
                SetStatus(ConversationExecutionStatus.Paused);
                Emit(new PauseEvent { Source = EventSource.User });
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Switches the agent to another LLM profile, read fresh from the profile store; the switch is persisted.</summary>
    /// <param name="name">The profile.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted and announced with a state-update event.</returns>
    /// <exception cref="ProfileNotFoundException">The profile does not exist; nothing changed.</exception>
    /// <exception cref="InvalidProfileException">The profile cannot be read; nothing changed.</exception>
    /// <exception cref="SecretDecryptionException">The profile's key cannot be decrypted; nothing changed.</exception>
    public async Task SwitchProfileAsync(ProfileName name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SwitchProfileCoreAsync(name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Switches the agent to another LLM profile by name.</summary>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted.</returns>
    /// <exception cref="InvalidProfileNameException"><paramref name="name"/> is not a valid profile name.</exception>
    public Task SwitchProfileAsync(string name, CancellationToken cancellationToken = default) =>
        SwitchProfileAsync(ProfileName.Create(name), cancellationToken);

    /// <summary>Switches the agent to a raw LLM. Kept for compatibility: the LLM is materialized into a profile first.</summary>
    /// <param name="llm">The LLM.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the switch is persisted.</returns>
    [Obsolete("Switch by profile with SwitchProfileAsync; a raw Llm is materialized into a profile (its source profile, else 'Default') first.")]
    public async Task SwitchLlmAsync(Llm llm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(llm);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_directory is null || _store is null)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ApplyLlm(llm, llm.SourceProfile is { } p ? new ProfileReference(p) : null);
                Emit(ProfileEvent(_state.LlmProfile, llm.Model, null));
            }
            finally
            {
                _gate.Release();
            }

            return;
        }

        var reference = await new ProfileMaterializer(_store, _options.LoggerFactory).MaterializeAsync(llm, cancellationToken: cancellationToken).ConfigureAwait(false);
        await SwitchProfileAsync(reference.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams the conversation's events: those from <paramref name="fromIndex"/> on, then new ones as they are persisted,
    /// until <paramref name="cancellationToken"/> is cancelled or the conversation is disposed.
    /// </summary>
    /// <param name="fromIndex">The first event to return.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in order.</returns>
    public async IAsyncEnumerable<ConversationEvent> WatchEventsAsync(int fromIndex = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromIndex);
        var channel = Channel.CreateUnbounded<ConversationEvent>(new UnboundedChannelOptions { SingleReader = true });
        ConversationEvent[] backlog;
        lock (_subscribers)
        {
            backlog = [.. _log.Events.Skip(fromIndex)];
            _subscribers.Add(channel);
        }

        try
        {
            foreach (var e in backlog)
            {
                yield return e;
            }

            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            lock (_subscribers)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>Stops event streams and releases the chat clients. Persisted data stays.</summary>
    /// <returns>A task that completes when resources are released.</returns>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        lock (_subscribers)
        {
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryComplete();
            }
        }

        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
        return ValueTask.CompletedTask;
    }

    internal const string StateFileName = "base_state.json";
    internal const string EventsFolderName = "events";

    private static async Task<(Llm Llm, string? FallbackReason)> ResolveForRestoreAsync(ConversationState state, ILlmProfileStore store, CancellationToken cancellationToken)
    {
        if (state.LlmProfile is not { } reference)
        {
            return (state.LlmSnapshot, "the conversation has no LLM profile reference; the secret-free snapshot is used");
        }

        try
        {
            return (await store.LoadAsync(reference.Name, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ProfileNotFoundException)
        {
            return (state.LlmSnapshot, $"LLM profile '{reference}' no longer exists");
        }
        catch (InvalidProfileException ex)
        {
            return (state.LlmSnapshot, $"LLM profile '{reference}' cannot be read: {ex.Message}");
        }
        catch (SecretDecryptionException)
        {
            return (state.LlmSnapshot, $"the key of LLM profile '{reference}' cannot be decrypted with the configured cipher key");
        }
    }

    private static Agent AgentFromState(ConversationState state, Llm llm)
    {
        string? suffix = null;
        var switchTool = false;
        if (state.AgentProperties.TryGetValue("agent_context", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("system_message_suffix", out var s) && s.ValueKind == JsonValueKind.String)
        {
            suffix = s.GetString();
        }

        if (state.AgentProperties.TryGetValue("include_default_tools", out var defaults) && defaults.ValueKind == JsonValueKind.Array)
        {
            switchTool = defaults.EnumerateArray().Any(d => d.ValueKind == JsonValueKind.String && d.GetString() == "SwitchLLMTool");
        }

        return new Agent(llm, state.Tools) { SystemMessageSuffix = suffix, EnableSwitchLlmTool = switchTool };
    }

    private static ImmutableDictionary<string, JsonElement> AgentProperties(Agent agent)
    {
        var defaults = agent.EnableSwitchLlmTool ? """["FinishTool","ThinkTool","SwitchLLMTool"]""" : """["FinishTool","ThinkTool"]""";
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        builder["include_default_tools"] = JsonDocument.Parse(defaults).RootElement.Clone();
        if (agent.SystemMessageSuffix is { } suffix)
        {
            builder["agent_context"] = JsonSerializer.SerializeToElement(
                new Dictionary<string, string> { ["system_message_suffix"] = suffix }, ConversationJsonContext.Default.DictionaryStringString);
        }

        return builder.ToImmutable();
    }
}
