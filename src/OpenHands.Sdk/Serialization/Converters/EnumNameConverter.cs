using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Settings;

namespace OpenHands.Sdk.Serialization.Converters;

/// <summary>The Python names an enum converter writes, so a JSON Schema can list them.</summary>
internal interface IEnumNames
{
    /// <summary>Gets the names, in declaration order.</summary>
    IReadOnlyList<string> Names { get; }
}

/// <summary>
/// An enum written as the Python SDK's name for each value. Without a fallback, an unknown name is an error that lists
/// the known ones; with one, an unknown name or a value of another type reads as the fallback. <see langword="null"/>
/// reads as the fallback, else the enum's default.
/// </summary>
internal abstract class EnumNameConverter<TEnum> : JsonConverter<TEnum>, IEnumNames
    where TEnum : struct, Enum
{
    private readonly (TEnum Value, string Name, byte[] Utf8)[] _names;
    private readonly TEnum? _fallback;

    protected EnumNameConverter((TEnum Value, string Name)[] names, TEnum? fallback = null)
    {
        // A plain loop: a LINQ pipeline over these value tuples is compiled anew for every enum, in the first read of a
        // fresh process (a tenth of the first profile listing's time).
        _names = new (TEnum, string, byte[])[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            _names[i] = (names[i].Value, names[i].Name, Encoding.UTF8.GetBytes(names[i].Name));
        }

        _fallback = fallback;
    }

    public override bool HandleNull => true;

    /// <inheritdoc/>
    public IReadOnlyList<string> Names => [.. _names.Select(n => n.Name)];

    /// <summary>The Python name of <paramref name="value"/>; an undefined value gets the fallback's (or the first) name.</summary>
    public string NameOf(TEnum value)
    {
        foreach (var entry in _names)
        {
            if (EqualityComparer<TEnum>.Default.Equals(entry.Value, value))
            {
                return entry.Name;
            }
        }

        return _fallback is { } fallback ? NameOf(fallback) : _names[0].Name;
    }

    /// <summary>The value named <paramref name="name"/>, or <see langword="null"/> when no value has that name.</summary>
    public TEnum? Parse(string? name)
    {
        foreach (var entry in _names)
        {
            if (entry.Name == name)
            {
                return entry.Value;
            }
        }

        return null;
    }

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            foreach (var entry in _names)
            {
                if (reader.ValueTextEquals(entry.Utf8))
                {
                    return entry.Value;
                }
            }

            return _fallback ?? throw new JsonFieldException(
                $"must be {string.Join(", ", _names[..^1].Select(n => $"'{n.Name}'"))} or '{_names[^1].Name}', not '{reader.GetString()}'");
        }

        if (reader.TokenType == JsonTokenType.Null || _fallback is not null)
        {
            reader.Skip();
            return _fallback ?? default;
        }

        throw JsonFieldException.Mismatch("a string", reader.TokenType);
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(NameOf(value));
}

/// <summary><c>auth_type</c>: <c>api_key</c> or <c>subscription</c>.</summary>
internal sealed class LlmAuthTypeConverter() : EnumNameConverter<LlmAuthType>(
    [(LlmAuthType.ApiKey, "api_key"), (LlmAuthType.Subscription, "subscription")]);

/// <summary><c>api_mode</c>: <c>auto</c>, <c>chat</c> or <c>responses</c>.</summary>
internal sealed class LlmApiModeConverter() : EnumNameConverter<LlmApiMode>(
    [(LlmApiMode.Auto, "auto"), (LlmApiMode.Chat, "chat"), (LlmApiMode.Responses, "responses")]);

/// <summary><c>agent_kind</c>: <c>openhands</c> or <c>acp</c>.</summary>
internal sealed class AgentKindConverter() : EnumNameConverter<AgentKind>(
    [(AgentKind.OpenHands, "openhands"), (AgentKind.Acp, "acp")]);

/// <summary>An event's <c>source</c>; anything unknown is the environment, as in the Python SDK.</summary>
internal sealed class EventSourceConverter() : EnumNameConverter<EventSource>(
    [(EventSource.Agent, "agent"), (EventSource.User, "user"), (EventSource.Environment, "environment"), (EventSource.Hook, "hook")],
    EventSource.Environment)
{
    public static EventSourceConverter Instance { get; } = new();
}

/// <summary>A conversation's <c>execution_status</c>; an unknown status reads as idle.</summary>
internal sealed class ExecutionStatusConverter() : EnumNameConverter<ConversationExecutionStatus>(
    [
        (ConversationExecutionStatus.Idle, "idle"), (ConversationExecutionStatus.Running, "running"),
        (ConversationExecutionStatus.Paused, "paused"), (ConversationExecutionStatus.WaitingForConfirmation, "waiting_for_confirmation"),
        (ConversationExecutionStatus.Finished, "finished"), (ConversationExecutionStatus.Error, "error"),
        (ConversationExecutionStatus.Stuck, "stuck"), (ConversationExecutionStatus.Deleting, "deleting"),
    ],
    ConversationExecutionStatus.Idle)
{
    public static ExecutionStatusConverter Instance { get; } = new();
}
