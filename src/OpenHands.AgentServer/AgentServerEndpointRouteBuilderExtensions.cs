using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Endpoints;
using OpenHands.AgentServer.Internal;
using Scalar.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OpenHands agent server endpoints.</summary>
public static class AgentServerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/</c> and <c>/server_info</c> (server info), <c>/health</c>, <c>/alive</c>, <c>/ready</c>, the OpenAPI document (<c>/openapi.json</c>,
    /// as the Python agent-server, and <c>/openapi/v1.json</c>), the interactive API reference at <c>/docs</c> (served
    /// with its assets from this server: it works without internet access), every <c>/api</c> route (guarded by the
    /// session-key authentication scheme when keys are configured), the OpenAI-compatible gateway under <c>/v1</c> (the same
    /// keys, also as <c>Authorization: Bearer</c>) and the events websocket
    /// <c>/sockets/events/{conversation_id}</c> (which brings its own websocket middleware).
    /// </summary>
    /// <param name="endpoints">The route builder, usually the <c>WebApplication</c>.</param>
    /// <returns>The <c>/api</c> route group, for further conventions.</returns>
    /// <remarks>
    /// The <c>/api</c> routes require authorization with the server's own scheme and policy: a <c>WebApplication</c> adds the
    /// authentication and authorization middleware by itself; a host that builds its pipeline by hand calls
    /// <c>UseAuthentication()</c> and <c>UseAuthorization()</c> after <c>UseRouting()</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static RouteGroupBuilder MapOpenHandsAgentServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        HealthEndpoints.Map(endpoints);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        endpoints.MapOpenApi("/openapi.json");
        endpoints.MapScalarApiReference("/docs", o => o
            .WithTitle("OpenHands agent server")
            .WithOpenApiRoutePattern("/openapi.json")
            .DisableDefaultFonts()        // the fonts come from a CDN
            .DisableTelemetry()           // nothing is reported to the internet
            .DisableAgent()               // no hosted AI assistant
            .DisableMcp()
            .HideDeveloperTools());       // its toolbar links to hosted services
        var api = ApiGroup.Map(endpoints);
        ProfilesEndpoints.Map(api);
        SettingsEndpoints.Map(api);
        ConversationsEndpoints.Map(api);
        CatalogEndpoints.Map(api);
        SecretsEndpoints.Map(api);
        GatewayEndpoints.Map(endpoints);
        SocketsEndpoints.Map(endpoints);
        return api;
    }
}
