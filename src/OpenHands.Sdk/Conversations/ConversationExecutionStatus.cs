namespace OpenHands.Sdk.Conversations;

/// <summary>Where a conversation's run stands (JSON field <c>execution_status</c>, lowercase).</summary>
public enum ConversationExecutionStatus
{
    /// <summary>Waiting for a message or a run (<c>idle</c>).</summary>
    Idle = 0,

    /// <summary>A run is in progress, or was when the process stopped (<c>running</c>).</summary>
    Running = 1,

    /// <summary>Paused by the user (<c>paused</c>).</summary>
    Paused = 2,

    /// <summary>Actions wait for the user's confirmation (<c>waiting_for_confirmation</c>).</summary>
    WaitingForConfirmation = 3,

    /// <summary>The agent finished the task (<c>finished</c>).</summary>
    Finished = 4,

    /// <summary>The run stopped with an error (<c>error</c>).</summary>
    Error = 5,

    /// <summary>The agent was detected to be stuck (<c>stuck</c>).</summary>
    Stuck = 6,

    /// <summary>The conversation is being deleted (<c>deleting</c>).</summary>
    Deleting = 7,
}
