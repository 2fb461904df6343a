using Microsoft.Extensions.Logging;

namespace OpenHands.Sdk.Internal;

/// <summary>The log messages of provider connections and key rotation: ids, names and counts, never a key.</summary>
internal static partial class Log
{
    [LoggerMessage(130, LogLevel.Information, "Saved provider connection '{ConnectionId}' (api key set: {ApiKeySet}, encrypted: {Encrypted}).")]
    public static partial void ConnectionSaved(this ILogger logger, string connectionId, bool apiKeySet, bool encrypted);

    [LoggerMessage(131, LogLevel.Information, "Deleted provider connection '{ConnectionId}'.")]
    public static partial void ConnectionDeleted(this ILogger logger, string connectionId);

    [LoggerMessage(132, LogLevel.Information, "Re-encrypted '{Path}' with the new secret key.")]
    public static partial void FileReencrypted(this ILogger logger, string path);

    [LoggerMessage(133, LogLevel.Information, "Secret key rotation finished: {Rewritten} file(s) re-encrypted, {Current} already under the new key.")]
    public static partial void RotationFinished(this ILogger logger, int rewritten, int current);
}
