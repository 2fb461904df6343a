using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenHands.Testing.McpServer;

// Over stdio, stdout carries the protocol: nothing else may write to it.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddMcpServer().WithStdioServerTransport().WithTools([typeof(TestTools)]);
await builder.Build().RunAsync();
