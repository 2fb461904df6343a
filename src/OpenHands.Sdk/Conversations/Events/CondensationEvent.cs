using System.Collections.Immutable;

namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// The history was condensed (kind <c>Condensation</c>): from here on the events in <see cref="ForgottenEventIds"/> are
/// not sent to the model, and <see cref="Summary"/> is sent in their place, at <see cref="SummaryOffset"/> of what remains.
/// </summary>
/// <remarks>The events themselves stay in the log; only what the model is sent changes.</remarks>
public sealed class CondensationEvent : ConversationEvent
{
    /// <inheritdoc/>
    public override string Kind => "Condensation";

    /// <summary>Gets the ids of the events no longer sent to the model (a summary of an earlier condensation among them, as <c>&lt;id&gt;-summary</c>).</summary>
    public ImmutableArray<string> ForgottenEventIds { get; init; } = [];

    /// <summary>Gets the summary of the forgotten events, or <see langword="null"/>.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets where the summary goes among the remaining events, or <see langword="null"/> for nowhere.</summary>
    public int? SummaryOffset { get; init; }

    /// <summary>Gets the id of the LLM response that wrote the summary.</summary>
    public string LlmResponseId { get; init; } = string.Empty;
}
