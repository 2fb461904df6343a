using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Builds the endpoints (their typed request delegates) and the wire's main contracts when the host starts, so the first
/// request is answered as fast as the others (clients with short attempt timeouts retry a slow first answer).
/// </summary>
internal sealed class EndpointWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetService<EndpointDataSource>()?.Endpoints;
        _ = WireJson.Contract<ProfileListResponse>();
        _ = WireJson.Contract<SettingsResponse>();
        _ = WireJson.Contract<ConversationInfo>();
        _ = WireJson.Contract<ErrorResponse>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
