using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/health</c>, <c>/alive</c>, <c>/ready</c> and <c>/server_info</c>: open, no session key.</summary>
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
        health.MapGet("/server_info", (TimeProvider? time) => new WireOk<ServerInfo>(new ServerInfo
        {
            Uptime = TimeProvider.System.GetElapsedTime(started).TotalSeconds,
            Version = Version,
            Implementation = "OpenHands.Sdk (.NET)",
            Timestamp = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
        }));
    }
}
