using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Cli;

/// <summary>
/// <c>run --json</c>: each event as one line of JSON, in the SDK's event shape (the one persisted and sent by the agent
/// server, secrets redacted). Streaming deltas are transient and not written; the message they make is.
/// </summary>
internal sealed class JsonEventWriter(TextWriter output)
{
    private readonly Lock _gate = new();

    public void Write(ConversationEvent e)
    {
        if (e is StreamingDeltaEvent)
        {
            return;
        }

        var line = EventJson.ToJson(e);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
