using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Internal;

/// <summary>Log messages of the agent's control features: confirmation, secrets, stuck detection, condensation, MCP.</summary>
internal static partial class Log
{
    [LoggerMessage(40, LogLevel.Warning, "Conversation {ConversationId}: {Count} secret(s) are kept in memory only and are not persisted: no cipher is configured. Set OH_SECRET_KEY (OpenHandsOptions.SecretKey) to keep them across restores.")]
    public static partial void SecretsNotPersisted(this ILogger logger, Guid conversationId, int count);

    [LoggerMessage(41, LogLevel.Warning, "Conversation {ConversationId}: secret '{SecretName}' cannot be decrypted with the configured cipher key; it is unavailable until it is set again.")]
    public static partial void SecretNotDecrypted(this ILogger logger, Guid conversationId, string secretName);

    [LoggerMessage(42, LogLevel.Information, "Conversation {ConversationId} waits for confirmation of {Count} action(s).")]
    public static partial void WaitingForConfirmation(this ILogger logger, Guid conversationId, int count);

    [LoggerMessage(43, LogLevel.Warning, "Conversation {ConversationId} is stuck: {Pattern}. The run stops.")]
    public static partial void Stuck(this ILogger logger, Guid conversationId, string pattern);

    [LoggerMessage(44, LogLevel.Information, "Conversation {ConversationId} condensed {Count} event(s) with model '{Model}'.")]
    public static partial void Condensed(this ILogger logger, Guid conversationId, int count, string model);

    [LoggerMessage(45, LogLevel.Warning, "Conversation {ConversationId}: MCP server '{Server}' is unavailable: {Problem}. Its tools are not offered.")]
    public static partial void McpServerUnavailable(this ILogger logger, Guid conversationId, string server, string problem);

    [LoggerMessage(46, LogLevel.Information, "Conversation {ConversationId}: MCP server '{Server}' offers {Count} tool(s).")]
    public static partial void McpServerConnected(this ILogger logger, Guid conversationId, string server, int count);

    [LoggerMessage(47, LogLevel.Warning, "Conversation {ConversationId}: the history could not be condensed ({Problem}); the step goes on with the whole history.")]
    public static partial void CondensationFailed(this ILogger logger, Guid conversationId, string problem);
}
