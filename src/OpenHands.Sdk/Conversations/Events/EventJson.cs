using System.Text;
using System.Text.Json;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Llms.Internal;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// Events and statuses in the Python OpenHands wire shape: the JSON an event is persisted and sent as by the agent
/// server (secrets redacted), for apps that export or forward events.
/// </summary>
public static class EventJson
{
    /// <summary>The event as one line of JSON, in the shape it is persisted in.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <returns>Compact JSON with the <c>kind</c> discriminator.</returns>
    public static string ToJson(ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        return Encoding.UTF8.GetString(EventJsonCodec.ToBytes(conversationEvent));
    }

    /// <summary>The event as compact UTF-8 JSON, in the shape it is persisted in (what <see cref="ToJson"/> returns, as bytes).</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <returns>Compact UTF-8 JSON with the <c>kind</c> discriminator.</returns>
    public static byte[] ToUtf8Bytes(ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        return EventJsonCodec.ToBytes(conversationEvent);
    }

    /// <summary>Writes the event to <paramref name="writer"/> as one JSON object, in the shape it is persisted in.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="conversationEvent">The event.</param>
    public static void Write(Utf8JsonWriter writer, ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(conversationEvent);
        EventJsonCodec.Write(writer, conversationEvent);
    }

    /// <summary>Reads an event in the Python shape; a kind this version does not model is kept whole (written back as it came).</summary>
    /// <param name="json">A JSON object with a <c>kind</c> discriminator.</param>
    /// <returns>The event.</returns>
    /// <exception cref="JsonException">The JSON is not an object or not a valid event; the message names the problem.</exception>
    public static ConversationEvent Read(JsonElement json)
    {
        try
        {
            return EventJsonCodec.Read(json);
        }
        catch (LlmFormatException e)
        {
            throw new JsonException("Not a valid event: " + e.Message, e);
        }
    }

    /// <summary>Reads an event from its UTF-8 JSON (what <see cref="ToUtf8Bytes"/> and the stores write); a kind this version does not model is kept whole.</summary>
    /// <param name="json">The UTF-8 JSON of an object with a <c>kind</c> discriminator.</param>
    /// <returns>The event.</returns>
    /// <exception cref="JsonException">The bytes are not JSON, not an object or not a valid event; the message names the problem.</exception>
    public static ConversationEvent FromUtf8Bytes(ReadOnlySpan<byte> json)
    {
        try
        {
            return EventJsonCodec.FromBytes(json);
        }
        catch (LlmFormatException e)
        {
            throw new JsonException("Not a valid event: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException("Not a valid event: " + e.Message, e);
        }
    }

    /// <summary>The wire name of an event's source (<c>agent</c>, <c>user</c>, <c>environment</c>, <c>hook</c>).</summary>
    /// <param name="source">The source.</param>
    /// <returns>The name the Python SDK writes in <c>source</c>.</returns>
    public static string SourceName(EventSource source) => EventJsonCodec.SourceName(source);

    /// <summary>The wire name of a status (<c>idle</c>, <c>running</c>, <c>waiting_for_confirmation</c>, ...).</summary>
    /// <param name="status">The status.</param>
    /// <returns>The name the Python SDK writes in <c>execution_status</c>.</returns>
    public static string StatusName(ConversationExecutionStatus status) => ConversationStateCodec.StatusName(status);
}
