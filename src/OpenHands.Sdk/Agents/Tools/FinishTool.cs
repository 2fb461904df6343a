using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Agents.Tools;

/// <summary>
/// The <c>finish</c> tool: the model calls it with a final <c>message</c> when the task is done (or cannot be
/// done); the agent loop ends the run when it sees a call to <see cref="ToolName"/>. The observation
/// (kind <c>FinishObservation</c>) is the message itself.
/// </summary>
/// <remarks>
/// Reported as read-only, as the Python SDK annotates it, so no <c>security_risk</c> argument is asked for: the
/// tool itself changes nothing; ending the run is the agent loop's decision. Thread-safe.
/// </remarks>
public sealed class FinishTool : ToolBase
{
    /// <summary>The name the model calls this tool by; the agent loop ends the run after a call to it.</summary>
    public const string ToolName = "finish";

    /// <summary>The <c>kind</c> of this tool's observations.</summary>
    public const string ObservationKindName = "FinishObservation";

    private static readonly JsonElement Schema = ToolSchema.Object(
        ["message"],
        ("message", ToolSchema.String("The final message for the user.")));

    /// <summary>Initializes a new instance of the <see cref="FinishTool"/> class.</summary>
    public FinishTool()
    {
    }

    /// <inheritdoc/>
    public override string Name => ToolName;

    /// <inheritdoc/>
    public override string Description =>
        """
        Ends your work on the current task and hands the conversation back to the user.

        Call it when the task is complete, or when you cannot go on (something is missing, impossible, or needs a decision from the user).
        The message should say what you did and what came of it, what the user may want to do next, why anything is left undone, and any question you need answered.
        """;

    /// <inheritdoc/>
    public override JsonElement ParametersSchema => Schema;

    /// <inheritdoc/>
    public override bool IsReadOnly => true;

    /// <inheritdoc/>
    public override string ObservationKind => ObservationKindName;

    /// <inheritdoc/>
    protected override Task<ToolResult> ExecuteCoreAsync(ToolCall toolCall, ToolContext context, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(ToolName, toolCall.Arguments);
        var message = arguments.String("message", required: true);
        return Task.FromResult(arguments.Error is null ? new ToolResult(message!) : ToolResult.Error(arguments.Error));
    }
}
