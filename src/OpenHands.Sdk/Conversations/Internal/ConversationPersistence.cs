using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// A conversation's state and where it is stored: the conversation store's writer (the file store's
/// <c>&lt;root&gt;/&lt;id-hex&gt;/base_state.json</c>, written atomically on every change, and <c>events/</c>), or,
/// without one, memory only.
/// </summary>
/// <remarks>
/// <para>
/// A conversation whose stored state or events are damaged is still read back (<see cref="ReadAsync"/>): what can be
/// read is kept, and <see cref="Damage"/> names every damaged file. Such a conversation is read-only: every write
/// throws, so nothing damaged is ever overwritten and no event lands beside a gap; deleting it is the caller's business.
/// </para>
/// <para>Changes are made by the conversation's owner under its gate; <see cref="State"/> may be read from any thread.</para>
/// </remarks>
internal sealed class ConversationPersistence
{
    public const string StateFileName = FileConversationStore.StateFileName;
    public const string EventsFolderName = EventLog.FolderName;

    /// <summary>The model shown for a conversation whose <c>base_state.json</c> cannot be read (its LLM is unknown).</summary>
    public const string UnknownModel = "unknown";

    private readonly IConversationWriter? _writer;
    private ConversationState _state;

    public ConversationPersistence(IConversationWriter? writer, ConversationState state, IReadOnlyList<ConversationFileDamage>? damage = null)
    {
        _writer = writer;
        _state = state;
        Damage = damage ?? [];
    }

    /// <summary>Gets the conversation's folder, for a store that keeps files; <see langword="null"/> otherwise.</summary>
    public string? Directory => _writer?.Directory;

    /// <summary>Gets whether the conversation is stored (in a folder or a database), not kept in memory only.</summary>
    public bool IsPersisted => _writer is not null;

    public ConversationState State => Volatile.Read(ref _state);

    /// <summary>Gets the damaged files found when the conversation was read back; empty for a healthy one.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; }

    /// <summary>
    /// Reads a stored conversation: its state and its events. Damage does not throw: an unreadable or missing
    /// <c>base_state.json</c> gives a placeholder state (status <see cref="ConversationExecutionStatus.Error"/>, model
    /// <see cref="UnknownModel"/>), unreadable or missing events are left out, and <see cref="Damage"/> names each of them.
    /// </summary>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    public static async Task<(ConversationPersistence Persistence, EventLog Log)> ReadAsync(IConversationStore store, Guid id, CancellationToken cancellationToken)
    {
        var record = await store.ReadAsync(id, cancellationToken).ConfigureAwait(false);
        var (state, stateDamage) = record.State is { } bytes ? ParseState(bytes, id) : (null, null);
        IReadOnlyList<ConversationFileDamage> damage = stateDamage is null ? record.Damage : [stateDamage, .. record.Damage];
        var writer = store.OpenWriter(id);
        var persistence = new ConversationPersistence(writer, state ?? Placeholder(id, record.Directory), damage);
        return (persistence, EventLog.Restore(writer, record.Events, damage));
    }

    /// <summary>Opens the event log of a new conversation: empty, appending through the store's writer (or in memory).</summary>
    public EventLog OpenEventLog() => _writer is null ? EventLog.InMemory() : EventLog.Restore(_writer, [], []);

    /// <summary>Replaces the state and writes it.</summary>
    /// <exception cref="InvalidConversationException">The conversation is damaged, so read-only; nothing changed.</exception>
    public void Update(ConversationState state)
    {
        ThrowIfDamaged();
        Volatile.Write(ref _state, state);
        Save();
    }

    public void SetStatus(ConversationExecutionStatus status)
    {
        if (State.ExecutionStatus != status)
        {
            Update(State with { ExecutionStatus = status });
        }
    }

    /// <exception cref="InvalidConversationException">The conversation is damaged, so read-only; nothing was written.</exception>
    public void Save()
    {
        ThrowIfDamaged();
        _writer?.WriteState(ConversationStateCodec.Write(State, Directory));
    }

    /// <summary>Throws when the conversation is damaged: it is read-only, so that no damaged file is overwritten.</summary>
    /// <exception cref="InvalidConversationException">The conversation is damaged.</exception>
    public void ThrowIfDamaged()
    {
        if (Damage.Count > 0)
        {
            throw new InvalidConversationException(
                Path.Combine(Directory ?? string.Empty, Damage[0].File),
                $"conversation {State.Id} is damaged ({string.Join("; ", Damage)}), so it is read-only: its readable history "
                + "can be read and it can be deleted. Fix: delete the conversation, or repair or remove the damaged files and restore it again",
                null);
        }
    }

    /// <summary>Parses a stored <c>base_state.json</c>; a document that is not a state of conversation <paramref name="id"/> is damage, not an error.</summary>
    /// <summary>
    /// Reads only the state of a stored conversation (<see cref="IConversationStore.ReadStateAsync"/>); the events are
    /// not read, nor is anything written. A missing or unreadable state gives the placeholder state of
    /// <see cref="ReadAsync"/> and its damage; damage in the events is not looked for.
    /// </summary>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    public static async Task<(string? Directory, ConversationState State, IReadOnlyList<ConversationFileDamage> Damage)> ReadStateOnlyAsync(
        IConversationStore store, Guid id, CancellationToken cancellationToken)
    {
        var record = await store.ReadStateAsync(id, cancellationToken).ConfigureAwait(false);
        var (state, stateDamage) = record.State is { } bytes ? ParseState(bytes, id) : (null, null);
        IReadOnlyList<ConversationFileDamage> damage = stateDamage is null ? record.Damage : [stateDamage, .. record.Damage];
        return (record.Directory, state ?? Placeholder(id, record.Directory), damage);
    }

    private static (ConversationState? State, ConversationFileDamage? Damage) ParseState(byte[] bytes, Guid id)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var state = ConversationStateCodec.Read(document.RootElement);
            return state.Id == id
                ? (state, null)
                : (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Unreadable, $"it holds conversation {state.Id}, not {id}"));
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            return (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Unreadable, ex.Message));
        }
    }

    /// <summary>The state shown for a conversation whose <c>base_state.json</c> cannot be read: its id, status error, nothing else known.</summary>
    private static ConversationState Placeholder(Guid id, string? directory) => new()
    {
        Id = id,
        ExecutionStatus = ConversationExecutionStatus.Error,
        LlmSnapshot = new Llm(UnknownModel),
        WorkingDirectory = directory ?? Environment.CurrentDirectory,
    };

    /// <summary>Rebuilds the agent of a persisted state around a resolved LLM.</summary>
    /// <remarks>A field of an unexpected shape counts as absent, as an older writer may have left one.</remarks>
    public static Agent AgentFrom(ConversationState state, Llm llm)
    {
        var suffix = Field(state, "agent_context", OpenHandsJsonContext.Default.AgentContextDocument)?.SystemMessageSuffix;
        var defaults = Field(state, "include_default_tools", OpenHandsJsonContext.Default.StringArray) ?? [];
        return new Agent(llm, state.Tools) { SystemMessageSuffix = suffix, EnableSwitchLlmTool = defaults.Contains("SwitchLLMTool") };
    }

    private static T? Field<T>(ConversationState state, string name, JsonTypeInfo<T> contract)
    {
        if (!state.AgentProperties.TryGetValue(name, out var value))
        {
            return default;
        }

        try
        {
            return value.Deserialize(contract);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>The agent fields persisted besides the LLM and tools (Python's names).</summary>
    public static ImmutableDictionary<string, JsonElement> AgentProperties(Agent agent)
    {
        string[] defaults = agent.EnableSwitchLlmTool ? ["FinishTool", "ThinkTool", "SwitchLLMTool"] : ["FinishTool", "ThinkTool"];
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        builder["include_default_tools"] = JsonSerializer.SerializeToElement(defaults, OpenHandsJsonContext.Default.StringArray);
        if (agent.SystemMessageSuffix is { } suffix)
        {
            builder["agent_context"] = JsonSerializer.SerializeToElement(
                new Dictionary<string, string> { ["system_message_suffix"] = suffix }, OpenHandsJsonContext.Default.DictionaryStringString);
        }

        return builder.ToImmutable();
    }
}
