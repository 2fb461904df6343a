using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Wire;

/// <summary>A list of events in the Python SDK's event shape, through the public event codec (<see cref="EventJson"/>), so the agent server can compile this file in too.</summary>
internal sealed class EventListConverter : JsonConverter<IReadOnlyList<ConversationEvent>>
{
    public override IReadOnlyList<ConversationEvent> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("must be an array of events");
        }

        var events = new List<ConversationEvent>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            using var item = JsonDocument.ParseValue(ref reader);
            try
            {
                events.Add(EventJson.Read(item.RootElement));
            }
            catch (JsonException e)
            {
                throw new JsonException($"holds an invalid event: {e.Message}", e);
            }
        }

        return events;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ConversationEvent> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var e in value)
        {
            EventJson.Write(writer, e);
        }

        writer.WriteEndArray();
    }
}
