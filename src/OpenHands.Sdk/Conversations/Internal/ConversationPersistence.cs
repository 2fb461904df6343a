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
/// A conversation's state and where it lives: <c>&lt;root&gt;/&lt;id-hex&gt;/base_state.json</c> (written atomically on
/// every change) and <c>events/</c> (the Python layout). Without a folder the state is kept in memory only.
/// </summary>
/// <remarks>
/// <para>
/// A conversation whose files are damaged is still read back (<see cref="ReadAsync"/>): what can be read is kept, and
/// <see cref="Damage"/> names every damaged file. Such a conversation is read-only: every write throws, so no damaged
/// file is ever overwritten and no event lands beside a gap; deleting its folder is the caller's business.
/// </para>
/// <para>Changes are made by the conversation's owner under its gate; <see cref="State"/> may be read from any thread.</para>
/// </remarks>
internal sealed class ConversationPersistence
{
    public const string StateFileName = "base_state.json";
    public const string EventsFolderName = EventLog.FolderName;

    /// <summary>The model shown for a conversation whose <c>base_state.json</c> cannot be read (its LLM is unknown).</summary>
    public const string UnknownModel = "unknown";

    private ConversationState _state;

    // Whether the folder is known to exist (created or found by the first save), so later saves skip the check.
    private bool _folderExists;

    public ConversationPersistence(string? directory, ConversationState state, IReadOnlyList<ConversationFileDamage>? damage = null)
    {
        Directory = directory;
        _state = state;
        Damage = damage ?? [];
    }

    /// <summary>Gets the conversation's folder, or <see langword="null"/> when nothing is persisted.</summary>
    public string? Directory { get; }

    public ConversationState State => Volatile.Read(ref _state);

    /// <summary>Gets the damaged files found when the conversation was read back; empty for a healthy one.</summary>
    public IReadOnlyList<ConversationFileDamage> Damage { get; }

    /// <summary>The folder of conversation <paramref name="id"/> under <paramref name="root"/>.</summary>
    public static string FolderFor(string root, Guid id) => Path.Combine(Path.GetFullPath(root), id.ToString("N"));

    /// <summary>Whether conversation <paramref name="id"/> is persisted under <paramref name="root"/>: its state file, or at least one event file, is there.</summary>
    public static bool Exists(string root, Guid id)
    {
        var folder = FolderFor(root, id);
        return File.Exists(Path.Combine(folder, StateFileName)) || EventLog.HasEventFiles(Path.Combine(folder, EventsFolderName));
    }

    /// <summary>
    /// Reads a persisted conversation: its state and its events. A damaged file does not throw: an unreadable or
    /// missing <c>base_state.json</c> gives a placeholder state (status <see cref="ConversationExecutionStatus.Error"/>,
    /// model <see cref="UnknownModel"/>), unreadable or missing events are left out, and <see cref="Damage"/> names each
    /// of them. Temp files of crashed writes in the folder are removed on the way (see <see cref="AtomicFile.RemoveLeftovers"/>).
    /// </summary>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    public static async Task<(ConversationPersistence Persistence, EventLog Log)> ReadAsync(string root, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var directory = FolderFor(root, id);
        var eventsDirectory = Path.Combine(directory, EventsFolderName);
        if (!Exists(root, id))
        {
            throw new InvalidConversationException($"Conversation {id} was not found in '{root}'.");
        }

        AtomicFile.RemoveLeftovers(directory, now);
        var (state, stateDamage) = await ReadStateAsync(directory, id, cancellationToken).ConfigureAwait(false);
        var log = state is not null || System.IO.Directory.Exists(eventsDirectory) ? EventLog.Open(eventsDirectory, now) : EventLog.InMemory();
        List<ConversationFileDamage> damage = stateDamage is null ? [.. log.Damage] : [stateDamage, .. log.Damage];
        var persistence = new ConversationPersistence(directory, state ?? Placeholder(id, directory), damage);
        if (damage.Count > 0)
        {
            log.MakeReadOnly(string.Join("; ", damage));
        }

        return (persistence, log);
    }

    /// <summary>
    /// Reads only the state of a persisted conversation, one read of <c>base_state.json</c>; the events are not read, nor
    /// is anything written. A missing or unreadable state file gives the placeholder state of <see cref="ReadAsync"/> and
    /// its damage; damage in the event files is not looked for.
    /// </summary>
    /// <exception cref="InvalidConversationException">The conversation does not exist.</exception>
    public static async Task<(string Directory, ConversationState State, ConversationFileDamage? Damage)> ReadStateOnlyAsync(
        string root, Guid id, CancellationToken cancellationToken)
    {
        var directory = FolderFor(root, id);
        if (!Exists(root, id))
        {
            throw new InvalidConversationException($"Conversation {id} was not found in '{root}'.");
        }

        var (state, damage) = await ReadStateAsync(directory, id, cancellationToken).ConfigureAwait(false);
        return (directory, state ?? Placeholder(id, directory), damage);
    }

    /// <summary>The empty event log of a new conversation: its <c>events/</c> folder is created by the first append.</summary>
    public EventLog CreateEventLog() => Directory is null ? EventLog.InMemory() : EventLog.Create(Path.Combine(Directory, EventsFolderName));

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
        if (Directory is null)
        {
            return;
        }

        if (!_folderExists)
        {
            AtomicFile.EnsureDirectory(Directory);
            _folderExists = true;
        }

        AtomicFile.Write(Path.Combine(Directory, StateFileName), ConversationStateCodec.Write(State, Directory), flushToDisk: false);
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

    private static async Task<(ConversationState? State, ConversationFileDamage? Damage)> ReadStateAsync(string directory, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(directory, StateFileName), cancellationToken).ConfigureAwait(false));
            var state = ConversationStateCodec.Read(document.RootElement);
            return state.Id == id
                ? (state, null)
                : (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Unreadable, $"it holds conversation {state.Id}, not {id}"));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Missing, "the state file is missing; the events are kept"));
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            return (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Unreadable, ex.Message));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, new ConversationFileDamage(StateFileName, ConversationFileDamageKind.Unreadable, "cannot be read: " + ex.Message));
        }
    }

    /// <summary>The state shown for a conversation whose <c>base_state.json</c> cannot be read: its id, status error, nothing else known.</summary>
    private static ConversationState Placeholder(Guid id, string directory) => new()
    {
        Id = id,
        ExecutionStatus = ConversationExecutionStatus.Error,
        LlmSnapshot = new Llm(UnknownModel),
        WorkingDirectory = directory,
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
