using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Endpoints;
using OpenHands.AgentServer.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OpenHands agent server endpoints.</summary>
public static class AgentServerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/health</c>, <c>/alive</c>, <c>/ready</c>, <c>/server_info</c>, the OpenAPI document
    /// (<c>/openapi/v1.json</c>), every <c>/api</c> route (guarded by <c>X-Session-API-Key</c> when keys are configured) and the
    /// events websocket <c>/sockets/events/{conversation_id}</c> (which brings its own websocket middleware).
    /// </summary>
    /// <param name="endpoints">The route builder, usually the <c>WebApplication</c>.</param>
    /// <returns>The <c>/api</c> route group, for further conventions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static RouteGroupBuilder MapOpenHandsAgentServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        HealthEndpoints.Map(endpoints);
        endpoints.MapOpenApi();
        var api = ApiGroup.Map(endpoints);
        ProfilesEndpoints.Map(api);
        SettingsEndpoints.Map(api);
        ConversationsEndpoints.Map(api);
        SocketsEndpoints.Map(endpoints);
        return api;
    }
}
