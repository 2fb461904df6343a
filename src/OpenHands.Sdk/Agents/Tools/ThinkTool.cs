using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Agents.Tools;

/// <summary>
/// The <c>think</c> tool: lets the model write down its reasoning without doing anything. The thought stays in
/// the action; the observation (kind <c>ThinkObservation</c>) only confirms it was logged.
/// </summary>
/// <remarks>Read-only and thread-safe.</remarks>
public sealed class ThinkTool : ToolBase
{
    /// <summary>The name the model calls this tool by.</summary>
    public const string ToolName = "think";

    /// <summary>The <c>kind</c> of this tool's observations.</summary>
    public const string ObservationKindName = "ThinkObservation";

    /// <summary>The text every successful call returns.</summary>
    public const string LoggedText = "Your thought has been logged.";

    private static readonly JsonElement Schema = ToolSchema.Object(
        ["thought"],
        ("thought", ToolSchema.String("The thought to write down.")));

    /// <summary>Initializes a new instance of the <see cref="ThinkTool"/> class.</summary>
    public ThinkTool()
    {
    }

    /// <inheritdoc/>
    public override string Name => ToolName;

    /// <inheritdoc/>
    public override string Description =>
        """
        Writes down a thought. It fetches nothing and changes nothing; use it to reason before acting when a step needs care.

        Good moments to use it:
        1. You found the cause of a bug and want to compare a few ways to fix it before picking the simplest sound one.
        2. Tests failed and you want to sort out what the failures tell you.
        3. You are planning a larger change and want to lay out the options and their trade-offs.
        4. You are designing a feature and want to think through its structure.
        5. A problem is confusing and you want to list what you know and what you suspect.
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
        _ = arguments.String("thought", required: true);
        return Task.FromResult(arguments.Error is null ? new ToolResult(LoggedText) : ToolResult.Error(arguments.Error));
    }
}
