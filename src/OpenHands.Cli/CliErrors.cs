using OpenHands.Sdk;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.Cli;

/// <summary>Turns an exception into one line on stderr (what went wrong and the fix) and an exit code.</summary>
internal static class CliErrors
{
    public static int Report(Exception exception, CliIo io)
    {
        var (message, code) = Describe(exception);
        io.Fail(message);
        return code;
    }

    public static (string Message, int ExitCode) Describe(Exception exception) => exception switch
    {
        CliException e => (e.Message, e.ExitCode),
        ProfileNotFoundException { ProfileName: { } name } e =>
            ($"LLM profile '{name}' not found (profiles: {Names(e.Available)}). Fix: openhands profiles add {name} --model MODEL, or pick one with 'openhands profiles list'.", ExitCodes.Usage),
        ProfileNotFoundException e => (NoActiveProfile(e.Available), ExitCodes.Usage),
        InvalidProfileNameException e =>
            ($"{Line(e.Message)} Fix: choose a valid name, e.g. my-profile.", ExitCodes.Usage),
        ProfileAlreadyExistsException e =>
            ($"{Line(e.Message)} Fix: choose another name, or pass --force to 'profiles add' to replace it.", ExitCodes.Usage),
        ProfileLimitExceededException e => ($"{Line(e.Message)} Fix: remove a profile first.", ExitCodes.Usage),
        InvalidProfileException e =>
            ($"{Line(e.Message)} Fix: repair the file, or delete it with 'openhands profiles remove NAME'.", ExitCodes.Usage),
        SecretDecryptionException e =>
            ($"{Line(e.Message)} Fix: set OH_SECRET_KEY to the key the secret was saved with.", ExitCodes.Usage),
        AgentProfileNotFoundException e => ($"{Line(e.Message)}. Fix: list them with 'openhands agent-profiles list'.", ExitCodes.Usage),
        AgentProfileAlreadyExistsException e => ($"{Line(e.Message)} Fix: choose another name.", ExitCodes.Usage),
        InvalidAgentProfileException e =>
            ($"{Line(e.Message)} Fix: repair the file, or delete it with 'openhands agent-profiles remove NAME'.", ExitCodes.Usage),
        ProviderConnectionNotFoundException e => ($"{Line(e.Message)} Fix: list them with 'openhands connections list'.", ExitCodes.Usage),
        ProviderConnectionInUseException e => ($"{Line(e.Message)}", ExitCodes.Usage),
        InvalidProviderConnectionsException e => ($"{Line(e.Message)}", ExitCodes.Usage),
        InvalidSettingsException e =>
            ($"{Line(e.Message)} Fix: repair settings.json, or move it aside to start from defaults.", ExitCodes.Usage),
        InvalidConversationException e =>
            ($"{Line(e.Message)} Fix: check the id (conversations live in <home>/conversations).", ExitCodes.Usage),
        StoreBusyException e =>
            ($"{Line(e.Message)} Fix: wait for the other OpenHands process to finish, then try again.", ExitCodes.Failure),
        ConversationRunException e => ($"the run failed: {Line(e.InnerException?.Message ?? e.Message)}", ExitCodes.Failure),
        LlmException e => ($"the LLM call failed: {Line(e.Message)}", ExitCodes.Failure),
        OpenHandsException e => (Line(e.Message), ExitCodes.Failure),
        OperationCanceledException => ("cancelled.", ExitCodes.Failure),
        IOException or UnauthorizedAccessException => (Line(exception.Message), ExitCodes.Failure),
        _ => ($"unexpected {exception.GetType().Name}: {Line(exception.Message)}", ExitCodes.Failure),
    };

    public static string NoActiveProfile(IReadOnlyCollection<ProfileName> available) => available.Count == 0
        ? "no LLM profile is active and none exists. Fix: openhands profiles add NAME --model MODEL (or 'openhands migrate' for Python CLI settings), or pass --override-with-envs with LLM_MODEL set."
        : $"no LLM profile is active. Fix: openhands profiles activate NAME (profiles: {Names(available)}), or pass --profile NAME.";

    private static string Names(IReadOnlyCollection<ProfileName> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private static string Line(string message) => message.ReplaceLineEndings(" ").Trim();
}
