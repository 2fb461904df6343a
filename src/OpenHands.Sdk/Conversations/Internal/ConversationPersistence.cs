using System.Collections.Immutable;
using System.Text.Json;
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
/// <remarks>Changes are made by the conversation's owner under its gate; <see cref="State"/> may be read from any thread.</remarks>
internal sealed class ConversationPersistence
{
    public const string StateFileName = "base_state.json";
    public const string EventsFolderName = "events";

    private ConversationState _state;

    public ConversationPersistence(string? directory, ConversationState state)
    {
        Directory = directory;
        _state = state;
    }

    /// <summary>Gets the conversation's folder, or <see langword="null"/> when nothing is persisted.</summary>
    public string? Directory { get; }

    public ConversationState State => Volatile.Read(ref _state);

    /// <summary>The folder of conversation <paramref name="id"/> under <paramref name="root"/>.</summary>
    public static string FolderFor(string root, Guid id) => Path.Combine(Path.GetFullPath(root), id.ToString("N"));

    public static bool Exists(string root, Guid id) => File.Exists(Path.Combine(FolderFor(root, id), StateFileName));

    /// <summary>Reads a persisted state.</summary>
    /// <exception cref="InvalidConversationException">The conversation does not exist, or its state cannot be read.</exception>
    public static async Task<ConversationPersistence> ReadAsync(string root, Guid id, CancellationToken cancellationToken)
    {
        var directory = FolderFor(root, id);
        var statePath = Path.Combine(directory, StateFileName);
        ConversationState state;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(statePath, cancellationToken).ConfigureAwait(false));
            state = ConversationStateCodec.Read(document.RootElement);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidConversationException($"Conversation {id} was not found in '{root}'.", ex);
        }
        catch (Exception ex) when (ex is JsonException or LlmFormatException or InvalidOperationException)
        {
            throw new InvalidConversationException(statePath, ex.Message, ex);
        }

        if (state.Id != id)
        {
            throw new InvalidConversationException(statePath, $"it holds conversation {state.Id}, not {id}", null);
        }

        return new ConversationPersistence(directory, state);
    }

    /// <summary>Opens the event log: the folder's files, or an empty in-memory log.</summary>
    /// <exception cref="InvalidConversationException">An event file is corrupt.</exception>
    public EventLog OpenEventLog() => Directory is null ? EventLog.InMemory() : EventLog.Open(Path.Combine(Directory, EventsFolderName));

    /// <summary>Replaces the state and writes it.</summary>
    public void Update(ConversationState state)
    {
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

    public void Save()
    {
        if (Directory is null)
        {
            return;
        }

        AtomicFile.EnsureDirectory(Directory);
        AtomicFile.Write(Path.Combine(Directory, StateFileName), ConversationStateCodec.Write(State, Directory), flushToDisk: false);
    }

    /// <summary>Rebuilds the agent of a persisted state around a resolved LLM.</summary>
    public static Agent AgentFrom(ConversationState state, Llm llm)
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
