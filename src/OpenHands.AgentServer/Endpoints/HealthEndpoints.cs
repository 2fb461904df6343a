using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Internal;

namespace OpenHands.AgentServer.Endpoints;

/// <summary><c>/health</c>, <c>/alive</c>, <c>/ready</c> and <c>/server_info</c>: open, no session key.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var started = TimeProvider.System.GetTimestamp();
        endpoints.MapGet("/health", () => Results.Text("OK"));
        endpoints.MapGet("/alive", () => ApiResults.Json(new JsonObject { ["status"] = "ok" }));
        endpoints.MapGet("/ready", () => ApiResults.Json(new JsonObject { ["status"] = "ready" }));
        endpoints.MapGet("/server_info", (HttpContext http) =>
        {
            var time = http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
            var version = typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return ApiResults.Json(new JsonObject
            {
                ["uptime"] = TimeProvider.System.GetElapsedTime(started).TotalSeconds,
                ["version"] = version,
                ["implementation"] = "OpenHands.Sdk (.NET)",
                ["timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
            });
        });
    }
}
