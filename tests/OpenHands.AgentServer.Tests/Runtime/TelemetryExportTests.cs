using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenHands.AgentServer.Internal;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenHands.AgentServer.Tests.Runtime;

/// <summary>
/// The runnable server wires the OpenTelemetry SDK (OTLP export, ASP.NET Core and HTTP instrumentation, the SDK's and
/// the server's sources and meters) only when the standard OTEL_EXPORTER_OTLP_ENDPOINT is set (issue 16).
/// </summary>
[NonParallelizable]
[Category("Telemetry")]
public sealed class TelemetryExportTests
{
    [Test]
    public void AddExportWhenConfigured_EndpointSet_ListensToTheSdkAndServerSources()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" })
            .Build();

        AgentServerTelemetry.AddExportWhenConfigured(services, configuration).Should().BeTrue();
        using var provider = services.BuildServiceProvider();
        provider.GetService<TracerProvider>().Should().NotBeNull();
        provider.GetService<MeterProvider>().Should().NotBeNull();

        using var sdk = new ActivitySource("OpenHands.Sdk");
        sdk.HasListeners().Should().BeTrue("the SDK's spans are exported");
        using var server = new ActivitySource("OpenHands.AgentServer");
        server.HasListeners().Should().BeTrue("the server's spans are exported");
    }

    [Test]
    public void AddExportWhenConfigured_NoEndpoint_AddsNothing()
    {
        var services = new ServiceCollection();

        AgentServerTelemetry.AddExportWhenConfigured(services, new ConfigurationBuilder().Build()).Should().BeFalse();

        services.Should().BeEmpty();
    }
}
