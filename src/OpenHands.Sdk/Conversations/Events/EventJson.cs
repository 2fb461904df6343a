using System.Text;
using OpenHands.Sdk.Conversations.Internal;

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

    /// <summary>The wire name of a status (<c>idle</c>, <c>running</c>, <c>waiting_for_confirmation</c>, ...).</summary>
    /// <param name="status">The status.</param>
    /// <returns>The name the Python SDK writes in <c>execution_status</c>.</returns>
    public static string StatusName(ConversationExecutionStatus status) => ConversationStateCodec.StatusName(status);
}
