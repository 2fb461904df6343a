namespace OpenHands.Sdk.Conversations.Events;

/// <summary>
/// An action that was not run because it was rejected (kind <c>UserRejectObservation</c>): the model sees
/// <c>Action rejected: &lt;reason&gt;</c> as the call's result.
/// </summary>
public sealed class UserRejectObservationEvent : ConversationEvent
{
    /// <summary>The reason recorded when none is given.</summary>
    public const string DefaultReason = "User rejected the action";

    /// <inheritdoc/>
    public override string Kind => "UserRejectObservation";

    /// <summary>Gets the tool's name.</summary>
    public required string ToolName { get; init; }

    /// <summary>Gets the tool-call id this rejection answers.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>Gets the id of the <see cref="ActionEvent"/> that was rejected.</summary>
    public required string ActionId { get; init; }

    /// <summary>Gets why the action was rejected.</summary>
    public string RejectionReason { get; init; } = DefaultReason;

    /// <summary>Gets who rejected it: <c>user</c>, or <c>hook</c>.</summary>
    public string RejectionSource { get; init; } = "user";
}
