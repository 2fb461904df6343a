using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Does the one-time work of a fresh process's first requests while the host starts, so that the first requests to a
/// server that reports started do not pay for compiling the request path and the codecs (clients with short attempt
/// timeouts retry a slow first answer, and the first request after a restart should not pay for the runtime's start).
/// </summary>
/// <remarks>
/// <para>
/// While the other services start: the endpoints' request delegates and the wire's main contracts are built (always),
/// and the codecs run once on in-memory samples (<see cref="WarmupSamples"/>, in the background), followed by a sample
/// conversation started, restored and paged (<see cref="WarmupConversation"/>, in a temp folder) and, when the server keeps
/// its data in files, the profile listing's handler run on sample profile files (<see cref="WarmupProfileListing"/>, in a
/// temp folder). Once the server listens,
/// before the host reports started: the samples are awaited and the server is asked two file-free routes over loopback
/// (<see cref="WarmupRequest"/>).
/// </para>
/// <para>
/// The warm-up never touches the user's files and never fails the start: whatever goes wrong is logged at debug level
/// and the start goes on; it delays the start by at most <see cref="Budget"/>. <see cref="AgentServerOptions.WarmUpAtStart"/>
/// turns off the samples and the loopback requests.
/// </para>
/// </remarks>
internal sealed partial class EndpointWarmup(IServiceProvider services, ServerCipher cipher, IOptions<AgentServerOptions> options, ILogger<EndpointWarmup> logger) : IHostedLifecycleService, IDisposable
{
    /// <summary>The longest the warm-up may add to a start.</summary>
    internal static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _budget = new(Budget);
    private Task _samples = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WarmUpAtStart)
        {
            var token = _budget.Token;
            var factory = services.GetService<OpenHands.Sdk.Conversations.ConversationFactory>();
            var tools = factory?.ToolRegistry ?? OpenHands.Sdk.Agents.Tools.ToolRegistry.Default;
            var files = factory?.Store is null or OpenHands.Sdk.Conversations.Persistence.FileConversationStore;
            _samples = Task.Run(
                async () =>
                {
                    WarmupSamples.Run(cipher.Cipher, token);
                    await WarmupConversation.RunAsync(tools, files, cipher.Cipher, token).ConfigureAwait(false);
                    if (files)
                    {
                        await WarmupProfileListing.RunAsync(cipher.Cipher, token).ConfigureAwait(false);
                    }
                },
                token);
        }

        try
        {
            _ = services.GetService<EndpointDataSource>()?.Endpoints;
            _ = WireJson.Contract<ProfileListResponse>();
            _ = WireJson.Contract<SettingsResponse>();
            _ = WireJson.Contract<ConversationInfo>();
            _ = WireJson.Contract<ErrorResponse>();
        }
        catch (Exception e)
        {
            WarmupFailed(logger, "building the endpoints", e);
        }

        return Task.CompletedTask;
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.WarmUpAtStart)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _budget.Token);
        try
        {
            await _samples.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            WarmupFailed(logger, "reading the in-memory samples", e);
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        try
        {
            var used = await WarmupRequest.SendAsync(addresses, linked.Token).ConfigureAwait(false);
            WarmupDone(logger, used ?? "none (no plain-HTTP address)");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            WarmupFailed(logger, "asking the server itself over loopback", e);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _budget.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Start-up warm-up done; the server was asked at {Address}")]
    private static partial void WarmupDone(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Start-up warm-up: {Step} failed; the start goes on")]
    private static partial void WarmupFailed(ILogger logger, string step, Exception exception);
}
