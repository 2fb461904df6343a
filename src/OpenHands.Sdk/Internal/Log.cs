using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Internal;

/// <summary>Every log message of the SDK. Messages name profiles and files, never secret values.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Saved LLM profile '{ProfileName}' (api key set: {ApiKeySet}, encrypted: {Encrypted}).")]
    public static partial void ProfileSaved(this ILogger logger, string profileName, bool apiKeySet, bool encrypted);

    [LoggerMessage(2, LogLevel.Information, "Deleted LLM profile '{ProfileName}'.")]
    public static partial void ProfileDeleted(this ILogger logger, string profileName);

    [LoggerMessage(3, LogLevel.Information, "Renamed LLM profile '{OldName}' to '{NewName}'.")]
    public static partial void ProfileRenamed(this ILogger logger, string oldName, string newName);

    [LoggerMessage(4, LogLevel.Warning, "Skipped profile file '{Path}' in the list: {Problem}.")]
    public static partial void ProfileSkipped(this ILogger logger, string path, string problem);

    [LoggerMessage(5, LogLevel.Debug, "LLM profile '{ProfileName}' already holds this configuration; nothing written.")]
    public static partial void ProfileUnchanged(this ILogger logger, string profileName);

    [LoggerMessage(7, LogLevel.Information, "Activated LLM profile '{ProfileName}'.")]
    public static partial void ProfileActivated(this ILogger logger, string profileName);

    [LoggerMessage(8, LogLevel.Warning, "Secrets are stored in plaintext in '{Path}': no cipher is configured. Set OH_SECRET_KEY to encrypt them at rest.")]
    public static partial void PlaintextSecrets(this ILogger logger, string path);

    [LoggerMessage(10, LogLevel.Debug, "Could not write the profile summary cache '{Path}' ({Problem}); the next process lists by reading every profile file.")]
    public static partial void SummaryCacheNotWritten(this ILogger logger, string path, string problem);

    [LoggerMessage(9, LogLevel.Warning, "A callback of conversation {ConversationId} failed on a {EventKind}; the conversation goes on.")]
    public static partial void CallbackFailed(this ILogger logger, Guid conversationId, string eventKind, Exception exception);
}
