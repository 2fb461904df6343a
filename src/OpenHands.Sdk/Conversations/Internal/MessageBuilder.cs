using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenHands.Sdk.Conversations.Events;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// Turns a conversation's events into the chat messages sent to the model (the Python SDK's rules), through the
/// <see cref="HistoryView"/>: condensed events are not sent, their summary is.
/// </summary>
internal static class MessageBuilder
{
    private const string ErrorPrefix = "[An error occurred during execution.]\n";

    public static List<ChatMessage> Build(IReadOnlyList<ConversationEvent> history)
    {
        var events = HistoryView.Build(history);
        // Tool calls and results must pair up: a call without a result (or a result without a call) is left out.
        var answeredCalls = new HashSet<string>(StringComparer.Ordinal);
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e)
            {
                case ActionEvent a:
                    calls.Add(a.ToolCallId);
                    break;
                case ObservationEvent o:
                    answeredCalls.Add(o.ToolCallId);
                    break;
                case AgentErrorEvent err when err.ToolCallId.Length > 0:
                    answeredCalls.Add(err.ToolCallId);
                    break;
                case UserRejectObservationEvent r:
                    answeredCalls.Add(r.ToolCallId);
                    break;
            }
        }

        var messages = new List<ChatMessage>(events.Count);
        ChatMessage? assistant = null;
        string? assistantResponse = null;
        foreach (var e in events)
        {
            if (e is not ActionEvent)
            {
                assistant = null;
                assistantResponse = null;
            }

            switch (e)
            {
                case SystemPromptEvent s:
                    messages.Add(new ChatMessage(ChatRole.System, s.DynamicContext is null ? s.SystemPrompt : s.SystemPrompt + "\n\n" + s.DynamicContext));
                    break;
                case MessageEvent m:
                    var role = m.Role switch { "assistant" => ChatRole.Assistant, "system" => ChatRole.System, _ => ChatRole.User };
                    if (role == ChatRole.User)
                    {
                        AddUserText(messages, m.Text);
                    }
                    else
                    {
                        messages.Add(new ChatMessage(role, m.Text));
                    }

                    break;
                case ActionEvent a when answeredCalls.Contains(a.ToolCallId):
                    if (assistant is null || assistantResponse != a.LlmResponseId)
                    {
                        assistant = new ChatMessage(ChatRole.Assistant, []);
                        assistantResponse = a.LlmResponseId;
                        if (a.Thought.Length > 0)
                        {
                            assistant.Contents.Add(new TextContent(a.Thought));
                        }

                        messages.Add(assistant);
                    }

                    assistant.Contents.Add(new FunctionCallContent(a.ToolCallId, a.ToolName, ParseArguments(a.ToolCall.Arguments))
                    {
                        RawRepresentation = a.ToolCall.Arguments,
                    });
                    break;
                case ObservationEvent o when calls.Contains(o.ToolCallId):
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(o.ToolCallId, o.IsError ? ErrorPrefix + o.Text : o.Text)]));
                    break;
                case AgentErrorEvent err when calls.Contains(err.ToolCallId):
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(err.ToolCallId, err.Error)]));
                    break;
                case UserRejectObservationEvent r when calls.Contains(r.ToolCallId):
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(r.ToolCallId, "Action rejected: " + r.RejectionReason)]));
                    break;
                case CondensationSummaryEvent summary:
                    AddUserText(messages, summary.Summary);
                    break;
            }
        }

        return messages;
    }

    /// <summary>Adds a user message; two plain user messages in a row are sent as one.</summary>
    private static void AddUserText(List<ChatMessage> messages, string text)
    {
        if (messages.Count > 0 && messages[^1].Role == ChatRole.User && messages[^1].Contents.All(c => c is TextContent))
        {
            messages[^1].Contents.Add(new TextContent(text));
        }
        else
        {
            messages.Add(new ChatMessage(ChatRole.User, text));
        }
    }

    private static Dictionary<string, object?> ParseArguments(string json)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in document.RootElement.EnumerateObject())
                {
                    result[p.Name] = p.Value.Clone();
                }
            }
        }
        catch (JsonException)
        {
            // The raw text is still sent through RawRepresentation.
        }

        return result;
    }
}
