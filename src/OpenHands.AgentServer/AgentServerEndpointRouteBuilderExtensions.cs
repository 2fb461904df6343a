using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Endpoints;
using OpenHands.AgentServer.Internal;
using OpenHands.AgentServer.WebConsole;
using Scalar.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OpenHands agent server endpoints.</summary>
public static class AgentServerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/</c> and <c>/server_info</c> (server info), <c>/health</c>, <c>/alive</c>, <c>/ready</c>, the OpenAPI document (<c>/openapi.json</c>,
    /// as the Python agent-server, and <c>/openapi/v1.json</c>), the interactive API reference at <c>/docs</c> (served
    /// with its assets from this server: it works without internet access), every <c>/api</c> route (guarded by the
    /// session-key authentication scheme when keys are configured; the workspace routes <c>/api/bash</c>, <c>/api/file</c> and
    /// <c>/api/git</c> among them, confined to the workspace root), the OpenAI-compatible gateway under <c>/v1</c> (the same
    /// keys, also as <c>Authorization: Bearer</c>), the websockets <c>/sockets/events/{conversation_id}</c>
    /// and <c>/sockets/bash-events</c> (which bring their own websocket middleware), and the web console at
    /// <c>/console/</c> (embedded files; a browser's <c>GET /</c> is redirected there, JSON clients of <c>GET /</c> are not).
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
        ProviderConnectionsEndpoints.Map(api);
        LlmProfilesEndpoints.Map(api);
        AgentProfilesEndpoints.Map(api);
        SettingsEndpoints.Map(api);
        ConversationsEndpoints.Map(api);
        ConversationControlEndpoints.Map(api);
        McpEndpoints.Map(api);
        BashEndpoints.Map(api);
        FileEndpoints.Map(api);
        GitEndpoints.Map(api);
        WorkspaceEndpoints.Map(api);
        CatalogEndpoints.Map(api);
        SecretsEndpoints.Map(api);
        GatewayEndpoints.Map(endpoints);
        SocketsEndpoints.Map(endpoints);
        BashSocketEndpoint.Map(endpoints);
        ConsoleEndpoints.Map(endpoints);
        return api;
    }
}
