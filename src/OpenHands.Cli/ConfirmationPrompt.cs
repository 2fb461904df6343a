using OpenHands.Sdk.Agents.Security;
using OpenHands.Sdk.Conversations;
using Spectre.Console;

namespace OpenHands.Cli;

/// <summary>
/// The y/n confirmation of <c>openhands run</c>: while the conversation waits for confirmation, shows the pending actions
/// with their risk and asks; <c>y</c> runs them, anything else rejects them (with the answer as the reason when it is
/// more than a no) and lets the agent go on. Without an answer (end of input) the conversation stays waiting.
/// </summary>
internal static class ConfirmationPrompt
{
    /// <summary>The choices of <c>--confirm</c>.</summary>
    public static readonly string[] Choices = ["risky", "always", "never"];

    /// <summary>The policy a <c>--confirm</c> value names: <c>risky</c> asks about actions the pattern analyzer rates HIGH.</summary>
    public static ConfirmationPolicy Policy(string choice) => choice switch
    {
        "always" => ConfirmationPolicy.Always,
        "never" => ConfirmationPolicy.Never,
        _ => new ConfirmRisky { ConfirmUnknown = false },
    };

    /// <summary>Asks until the conversation no longer waits; <paramref name="run"/> continues it after each answer.</summary>
    /// <returns><see langword="false"/> when input ended and the conversation still waits.</returns>
    public static async Task<bool> ResolveAsync(Conversation conversation, CliIo io, Func<Task> run, CancellationToken ct)
    {
        while (conversation.State.ExecutionStatus == ConversationExecutionStatus.WaitingForConfirmation)
        {
            foreach (var action in conversation.PendingActions)
            {
                io.Line($"confirm> {action.ToolName} [{action.SecurityRisk}]: {action.Summary}",
                    $"[yellow]confirm>[/] [bold]{Markup.Escape(action.ToolName)}[/] [red]{Markup.Escape(action.SecurityRisk)}[/]: {Markup.Escape(action.Summary ?? string.Empty)}");
            }

            io.Out.Write("Run these actions? [y/N] ");
            await io.Out.FlushAsync(ct);
            var answer = await io.In.ReadLineAsync(ct);
            if (answer is null)
            {
                io.Line($"No answer: the actions wait. Resume with: openhands run --resume {conversation.Id:N}");
                return false;
            }

            answer = answer.Trim();
            if (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase))
            {
                await run();
                continue;
            }

            var reason = answer.Length > 1 && !answer.Equals("no", StringComparison.OrdinalIgnoreCase) ? answer : null;
            await conversation.RejectPendingActionsAsync(reason, ct);
            io.Line("Rejected; the agent is told and goes on.");
            await run();
        }

        return true;
    }
}
