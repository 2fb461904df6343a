using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace OpenHands.Sdk.Agents.Mcp.Internal;

/// <summary>
/// Opens an MCP client for one server config with the official SDK's transports. Secret values go into the transport
/// (environment, headers) and nowhere else: the SDK's own logging is not wired to the application's loggers.
/// </summary>
internal static class McpConnector
{
    private static readonly Implementation ClientInfo = new() { Name = "openhands-dotnet", Version = "1.0.0" };

    public static async Task<McpClient> ConnectAsync(string name, McpServerConfig server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        IClientTransport transport = server switch
        {
            McpStdioServerConfig s => new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = name,
                Command = s.Command,
                Arguments = [.. s.Args],
                WorkingDirectory = s.WorkingDirectory,
                EnvironmentVariables = s.Env.ToDictionary(e => e.Key, e => (string?)e.Value.Reveal(), StringComparer.Ordinal),
            }),
            McpHttpServerConfig h => new HttpClientTransport(new HttpClientTransportOptions
            {
                Name = name,
                Endpoint = h.Url,
                TransportMode = h.Transport switch
                {
                    "sse" => HttpTransportMode.Sse,
                    "streamable-http" or "streamable_http" => HttpTransportMode.StreamableHttp,
                    _ => HttpTransportMode.AutoDetect,
                },
                AdditionalHeaders = h.Headers.ToDictionary(e => e.Key, e => e.Value.Reveal(), StringComparer.OrdinalIgnoreCase),
                ConnectionTimeout = timeout,
            }, NullLoggerFactory.Instance),
            _ => throw new NotSupportedException($"MCP server type {server.GetType().Name} is not supported."),
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await McpClient.CreateAsync(
                transport,
                new McpClientOptions { ClientInfo = ClientInfo, InitializationTimeout = timeout },
                NullLoggerFactory.Instance,
                deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"MCP server '{name}' did not answer within {timeout.TotalSeconds:0.#} seconds.");
        }
    }
}
