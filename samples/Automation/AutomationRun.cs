using OpenHands.Sdk;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Remote;
using OpenHands.Sdk.Security;

namespace OpenHands.Samples.Automation;

/// <summary>One automation run: start a conversation by profile name, send the task, run to the end, print the answer.</summary>
public static class AutomationRun
{
    /// <summary>The run finished; the answer is on the output.</summary>
    public const int Succeeded = 0;

    /// <summary>The run failed: error or stuck status, unknown profile, refused request, unreachable server.</summary>
    public const int Failed = 1;

    /// <summary>The program was called wrongly: no profile named, no task, a bad URL.</summary>
    public const int UsageError = 2;

    /// <summary>Runs <paramref name="task"/> on the server named in <paramref name="settings"/> and prints the agent's final answer.</summary>
    /// <param name="settings">The server and the profile name.</param>
    /// <param name="task">The user message.</param>
    /// <param name="output">Receives the final answer (and nothing else).</param>
    /// <param name="error">Receives one line when the run fails.</param>
    /// <param name="httpClient">The client to send requests with, or <see langword="null"/> for a new one.</param>
    /// <param name="cancellationToken">Cancels the run (the server pauses it).</param>
    /// <returns>The exit code: <see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="UsageError"/>.</returns>
    public static async Task<int> RunAsync(
        AutomationSettings settings, string task, TextWriter output, TextWriter error, HttpClient? httpClient = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (settings.ProfileName is null)
        {
            await error.WriteLineAsync("error: AUTOMATION_MODEL is not set; set it to the name of an LLM profile stored on the agent server (see `openhands profiles list`).");
            return UsageError;
        }

        if (string.IsNullOrWhiteSpace(task))
        {
            await error.WriteLineAsync("error: no task; pass it as arguments or on stdin.");
            return UsageError;
        }

        if (!Uri.TryCreate(settings.ServerUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"error: OH_AGENT_SERVER_URL '{settings.ServerUrl}' is not an http or https URL.");
            return UsageError;
        }

        var options = new RemoteWorkspaceOptions { BaseAddress = url, SessionApiKey = SecretString.FromNullable(settings.SessionApiKey) };
        using var workspace = new RemoteWorkspace(options, httpClient);
        try
        {
            // The start sends the profile's name; the server resolves model and key from its own store.
            var conversation = await workspace.Conversations.StartWithProfileAsync(settings.ProfileName, cancellationToken: cancellationToken);
            await conversation.SendMessageAsync(task.Trim(), cancellationToken);
            var result = await conversation.RunAsync(cancellationToken: cancellationToken);
            if (result.Status != ConversationExecutionStatus.Finished)
            {
                await error.WriteLineAsync($"error: the run ended with status {result.Status} (conversation {conversation.Id}).");
                return Failed;
            }

            await output.WriteLineAsync(result.FinalAnswer ?? string.Empty);
            return Succeeded;
        }
        catch (ProfileNotFoundException e)
        {
            await error.WriteLineAsync($"error: the agent server has no LLM profile '{settings.ProfileName}' ({OneLine(e.Message)}).");
            return Failed;
        }
        catch (ConversationRunException e)
        {
            await error.WriteLineAsync($"error: the run failed: {OneLine(e.Message)}");
            return Failed;
        }
        catch (OpenHandsException e)
        {
            await error.WriteLineAsync($"error: {OneLine(e.Message)}");
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("error: cancelled; the run was paused on the server.");
            return Failed;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
