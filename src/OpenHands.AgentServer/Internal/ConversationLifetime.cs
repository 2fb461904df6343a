using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk;
using OpenHands.Sdk.Conversations.Persistence;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Settings;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Ties the conversations to the host's lifetime. At start, after the legacy-settings migration and before the server
/// takes requests: removes the temp files that crashed writes left in the profiles, settings and conversations folders
/// (only files named like one and untouched for <see cref="AtomicFile.LeftoverGracePeriod"/>, so a live write of another
/// process is never touched), then lists every conversation (each is loaded on its first use, so a start costs nothing per
/// conversation and memory grows with the conversations in use). At stop, after the server
/// stopped taking requests: cancels every run and waits for it, up to the host's shutdown timeout.
/// </summary>
internal sealed partial class ConversationLifetime(
    ConversationService conversations,
    IOptions<OpenHandsOptions> sdkOptions,
    TimeProvider time,
    ILogger<ConversationLifetime> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = sdkOptions.Value;
        var now = time.GetUtcNow();
        foreach (var folder in new[]
        {
            OpenHandsPaths.ProfilesDirectory(o.ProfilesDirectory, o.PersistenceDirectory),
            OpenHandsPaths.PersistenceDirectory(o.PersistenceDirectory),   // settings.json
        }.Distinct(StringComparer.Ordinal))
        {
            if (AtomicFile.RemoveLeftovers(folder, now) is > 0 and var removed)
            {
                LogLeftoversRemoved(logger, removed, folder);
            }
        }

        // The conversations folder and each conversation's folders (a database store has none).
        if (conversations.Store is FileConversationStore files && files.RemoveLeftovers(now) is > 0 and var swept)
        {
            LogLeftoversRemoved(logger, swept, files.Directory);
        }

        await conversations.RestoreAllAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => conversations.StopRunsAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} temp files left by crashed writes in {Folder}")]
    private static partial void LogLeftoversRemoved(ILogger logger, int count, string folder);
}
