namespace OpenHands.Sdk.Conversations.Events;

/// <summary>A message: from the user, a text reply of the agent, or a nudge from the environment.</summary>
public sealed class MessageEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "MessageEvent";

    /// <summary>Gets the chat role of the message: <c>user</c>, <c>assistant</c> or <c>system</c>.</summary>
    public required string Role { get; init; }

    /// <summary>Gets the message text (the text parts of its content, joined).</summary>
    public required string Text { get; init; }

    /// <summary>Gets the model's reasoning text, when the provider returned it.</summary>
    public string? ReasoningContent { get; init; }

    /// <summary>Gets the id of the LLM response this message came from (agent messages).</summary>
    public string? LlmResponseId { get; init; }

    /// <summary>Gets who sent the message, when known.</summary>
    public string? Sender { get; init; }
}
