using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Internal;

/// <summary>The log messages of materialization and of the legacy settings migration: names and models, never a key.</summary>
internal static partial class Log
{
    [LoggerMessage(40, LogLevel.Information, "The LLM ({Model}) equals stored profile '{ProfileName}': reused it, nothing written.")]
    public static partial void MaterializeReused(this ILogger logger, string model, string profileName);

    [LoggerMessage(41, LogLevel.Information, "Stored the LLM ({Model}) as new profile '{ProfileName}'.")]
    public static partial void MaterializeCreated(this ILogger logger, string model, string profileName);

    [LoggerMessage(42, LogLevel.Information, "Replaced profile '{ProfileName}' with the LLM ({Model}), as the caller asked.")]
    public static partial void MaterializeReplaced(this ILogger logger, string model, string profileName);

    [LoggerMessage(43, LogLevel.Debug, "Profile '{ProfileName}' was created by another writer meanwhile; choosing again.")]
    public static partial void MaterializeRaced(this ILogger logger, string profileName);

    [LoggerMessage(44, LogLevel.Information, "{Summary}")]
    public static partial void LegacySettingsMigrated(this ILogger logger, string summary);
}
