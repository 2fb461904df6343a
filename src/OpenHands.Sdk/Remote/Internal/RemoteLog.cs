using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>Every log message of the remote client. Messages name routes, profiles and conversations, never a key.</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(101, LogLevel.Debug, "{Method} {Path} answered {Status} in {ElapsedMs} ms.")]
    public static partial void RequestCompleted(this ILogger logger, string method, string path, int status, long elapsedMs);

    [LoggerMessage(102, LogLevel.Warning, "{Method} {Path} failed ({Reason}); attempt {NextAttempt} of {MaxAttempts} in {DelaySeconds} s.")]
    public static partial void RequestRetrying(this ILogger logger, string method, string path, string reason, int nextAttempt, int maxAttempts, double delaySeconds);

    [LoggerMessage(103, LogLevel.Information, "Saved LLM profile '{ProfileName}' on the agent server (api key sent: {ApiKeySent}).")]
    public static partial void ProfileSaved(this ILogger logger, string profileName, bool apiKeySent);

    [LoggerMessage(104, LogLevel.Information, "Fetched LLM profile '{ProfileName}' with its key from the agent server for local use.")]
    public static partial void LlmFetched(this ILogger logger, string profileName);

    [LoggerMessage(105, LogLevel.Information, "LLM profile '{ProfileName}' on the agent server provably holds this LLM: reused it, nothing sent.")]
    public static partial void ProfileUnchanged(this ILogger logger, string profileName);

    [LoggerMessage(106, LogLevel.Information, "Started conversation {ConversationId} on the agent server with LLM profile '{ProfileName}'.")]
    public static partial void ConversationStarted(this ILogger logger, Guid conversationId, string profileName);

    [LoggerMessage(107, LogLevel.Debug, "Event websocket of conversation {ConversationId} connected ({Mode}).")]
    public static partial void SocketConnected(this ILogger logger, Guid conversationId, string mode);

    [LoggerMessage(108, LogLevel.Warning, "Event websocket of conversation {ConversationId} lost ({Reason}); reconnecting in {DelaySeconds} s.")]
    public static partial void SocketReconnecting(this ILogger logger, Guid conversationId, string reason, double delaySeconds);

    [LoggerMessage(109, LogLevel.Information, "Event websocket of conversation {ConversationId} closed by the server with code {CloseCode}: {Reason}.")]
    public static partial void SocketClosed(this ILogger logger, Guid conversationId, int closeCode, string reason);

    [LoggerMessage(110, LogLevel.Debug, "Skipped an event frame of conversation {ConversationId} that is not a readable event: {Problem}.")]
    public static partial void FrameSkipped(this ILogger logger, Guid conversationId, string problem);

    [LoggerMessage(111, LogLevel.Information, "Pausing conversation {ConversationId} on the agent server because waiting for its run was cancelled.")]
    public static partial void PausingOnCancel(this ILogger logger, Guid conversationId);
}
