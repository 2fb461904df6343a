using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>The package's log messages (never a password, key or secret value).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "PostgreSQL schema migrated from version {From} to {To}")]
    public static partial void SchemaMigrated(this ILogger logger, int from, int to);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Saved LLM profile {Name} (revision {Revision}, API key set: {KeySet}, encrypted: {Encrypted})")]
    public static partial void ProfileSaved(this ILogger logger, string name, long revision, bool keySet, bool encrypted);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Deleted LLM profile {Name}")]
    public static partial void ProfileDeleted(this ILogger logger, string name);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Renamed LLM profile {Name} to {NewName}")]
    public static partial void ProfileRenamed(this ILogger logger, string name, string newName);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Skipped LLM profile {Name} in the listing: {Problem}")]
    public static partial void ProfileSkipped(this ILogger logger, string name, string problem);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "LLM profile secrets are stored in plaintext in the database: set OH_SECRET_KEY to encrypt them")]
    public static partial void PlaintextSecrets(this ILogger logger);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Saved provider connection {Id} (API key set: {KeySet}, encrypted: {Encrypted})")]
    public static partial void ConnectionSaved(this ILogger logger, string id, bool keySet, bool encrypted);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Deleted provider connection {Id}")]
    public static partial void ConnectionDeleted(this ILogger logger, string id);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Activated LLM profile {Name}")]
    public static partial void ProfileActivated(this ILogger logger, string name);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Saved agent profile {Name} (revision {Revision})")]
    public static partial void AgentProfileSaved(this ILogger logger, string name, int revision);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Skipped agent profile {Name}: {Problem}")]
    public static partial void AgentProfileSkipped(this ILogger logger, string name, string problem);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Deleted conversation {Id} ({Events} events)")]
    public static partial void ConversationDeleted(this ILogger logger, Guid id, int events);
}
