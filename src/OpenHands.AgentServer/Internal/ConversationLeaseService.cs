using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Keeps this instance's conversation leases alive and takes over the runs of instances that died, when several
/// instances share a database (nothing to do otherwise). Once the server listens it learns the address other instances
/// forward to (<see cref="AgentServerOptions.InstanceUrl"/>, else the first address it listens on); then, every third
/// of the lease duration, it renews every held lease (a lease found taken over drops its copy, see
/// <see cref="ConversationService.OnLeaseLost"/>) and takes over each run whose lease expired while a run was wanted.
/// A failed round (the database unreachable) is logged and the next round tries again; the leases then expire by
/// themselves and another instance takes the runs over.
/// </summary>
internal sealed partial class ConversationLeaseService(
    ConversationService conversations,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ConversationLeaseService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ownership = conversations.Ownership;
        if (!ownership.IsShared)
        {
            return;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            // started
        }

        ownership.InstanceUrl ??= ForwardingAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses);
        LogStarted(logger, ownership.InstanceId, ownership.InstanceUrl ?? "none", (long)ownership.Duration.TotalMilliseconds);
        var period = ownership.Duration / 3;
        using var timer = new PeriodicTimer(period < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : period, time);
        do
        {
            try
            {
                foreach (var lost in await ownership.RenewAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    conversations.OnLeaseLost(lost);
                }

                foreach (var orphan in await ownership.OrphanedRunsAsync(stoppingToken).ConfigureAwait(false))
                {
                    await conversations.TakeOverAsync(orphan, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed round (a database outage) must not end the renewals: logged, tried again next round.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>The first address the server listens on, a wildcard host replaced by this machine's name.</summary>
    internal static string? ForwardingAddress(IEnumerable<string>? addresses)
    {
        foreach (var address in addresses ?? [])
        {
            var text = address.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                continue;
            }

            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? System.Net.Dns.GetHostName() : uri.Host;
            return new UriBuilder(uri.Scheme, host, uri.Port).Uri.GetLeftPart(UriPartial.Authority);
        }

        return null;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation leases: this instance is {Instance}, takes forwarded requests at {Url}, leases last {DurationMs} ms")]
    private static partial void LogStarted(ILogger logger, string instance, string url, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing conversation leases failed with {Error} ({Message}); the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, string error, string message);
}
