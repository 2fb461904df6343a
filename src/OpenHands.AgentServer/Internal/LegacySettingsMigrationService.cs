using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenHands.Sdk;
using OpenHands.Sdk.Settings;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Runs the SDK's one legacy-settings migration when the host starts, before the server accepts a request. A migration
/// that cannot run (a key that does not decrypt, a corrupt file) is logged and leaves everything as it was; the requests
/// that read the settings then answer with the same typed error.
/// </summary>
internal sealed partial class LegacySettingsMigrationService(ISettingsStore settings, ILogger<LegacySettingsMigrationService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await settings.MigrateLegacyAsync(cancellationToken).ConfigureAwait(false);   // the SDK logs what moved where
        }
        catch (OpenHandsException e)
        {
            MigrationFailed(logger, settings is SettingsStore file ? file.FilePath : "the settings store", e.Message);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "The legacy LLM in '{Path}' could not be moved into a profile at start; requests that read the settings report why. {Problem}")]
    private static partial void MigrationFailed(ILogger logger, string path, string problem);
}
