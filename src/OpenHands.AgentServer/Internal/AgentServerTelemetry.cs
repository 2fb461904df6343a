using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The server's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>OpenHands.AgentServer</c>,
/// and the OpenTelemetry SDK wiring of the runnable server: when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, traces and metrics of ASP.NET Core, outgoing HTTP (LLM calls), the SDK (<c>OpenHands.Sdk</c>) and the server go
/// to that OTLP endpoint (the exporter reads the other standard <c>OTEL_*</c> variables itself).
/// </summary>
internal static class AgentServerTelemetry
{
    public const string Name = "OpenHands.AgentServer";
    public const string SdkName = "OpenHands.Sdk";
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly string? Version = typeof(AgentServerTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Background conversation runs the server started, by outcome.</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "openhands.agent_server.runs", "{run}", "Conversation runs started by the server, by outcome.");

    /// <summary>Websocket subscribers following a conversation's events now.</summary>
    public static readonly UpDownCounter<long> Subscribers = Meter.CreateUpDownCounter<long>(
        "openhands.agent_server.websocket.subscribers", "{connection}", "Websocket clients following conversation events.");

    /// <summary>Adds the OpenTelemetry SDK with OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; otherwise nothing.</summary>
    /// <returns><see langword="true"/> when export was configured.</returns>
    public static bool AddExportWhenConfigured(IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[EndpointVariable]))
        {
            return false;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } service ? service : "openhands-agent-server", serviceVersion: Version))
            .WithTracing(t => t
                .AddSource(SdkName, Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(m => m
                .AddMeter(SdkName, Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        return true;
    }

    /// <summary>
    /// Starts the span of a background run as a new trace linked to the request that started it (the request ends long
    /// before the run does).
    /// </summary>
    public static Activity? StartRun(Guid conversationId)
    {
        var requester = Activity.Current?.Context;
        Activity.Current = null;
        var activity = Source.StartActivity(
            "openhands.agent_server.run", ActivityKind.Internal, parentContext: default,
            links: requester is { } context ? [new ActivityLink(context)] : null);
        activity?.SetTag("gen_ai.conversation.id", conversationId.ToString("N"));
        return activity;
    }
}
