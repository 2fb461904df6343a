using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/health</c>, <c>/alive</c>, <c>/ready</c>, <c>/server_info</c> and <c>/</c>: open, no session key.</summary>
internal static class HealthEndpoints
{
    private static readonly string? Version = typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var started = TimeProvider.System.GetTimestamp();
        var health = endpoints.MapGroup(string.Empty).WithTags("health");
        health.MapGet("/health", () => TypedResults.Text("OK")).Produces<string>(StatusCodes.Status200OK, "text/plain");
        health.MapGet("/alive", () => new WireOk<HealthStatus>(new HealthStatus { Status = "ok" }));
        health.MapGet("/ready", () => new WireOk<HealthStatus>(new HealthStatus { Status = "ready" }));
        WireOk<ServerInfo> Info(TimeProvider? time) => new(new ServerInfo
        {
            Uptime = TimeProvider.System.GetElapsedTime(started).TotalSeconds,
            Version = Version,
            Implementation = "OpenHands.Sdk (.NET)",
            Timestamp = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
        });
        health.MapGet("/server_info", Info);
        health.MapGet("/", Info);   // the reference's root answers the server info when it serves no static files
    }
}
