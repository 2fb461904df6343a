// The runnable agent server (`openhands-agent-server`, or `dotnet run --project src/OpenHands.AgentServer.Host`):
// listens on http://127.0.0.1:8000 unless ASPNETCORE_URLS, --urls or Kestrel configuration say otherwise.
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8000");
}

builder.Services.AddOpenHandsAgentServer();

// Traces and metrics (ASP.NET Core, HTTP, OpenHands.Sdk, OpenHands.AgentServer) go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
builder.Services.AddOpenHandsAgentServerTelemetry(builder.Configuration);
var app = builder.Build();
app.MapOpenHandsAgentServer();
await app.RunAsync().ConfigureAwait(false);
