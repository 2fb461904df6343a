using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using OpenHands.Sdk.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Agents.Mcp.Internal;

/// <summary>
/// The MCP clients of one conversation: every server of the agent's <see cref="McpConfig"/> is connected once, its tools
/// listed and wrapped as <see cref="McpTool"/>s. A server that cannot be reached is logged and left out (its tools are
/// not offered); the others still work. Disposing closes every client (and stops stdio server processes).
/// </summary>
internal sealed class McpSession : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(5);

    private readonly List<McpClient> _clients = [];

    private McpSession()
    {
    }

    public IReadOnlyList<ITool> Tools { get; private set; } = [];

    /// <summary>Every secret value of a configuration (environment values and headers): masked wherever output is recorded.</summary>
    public static IEnumerable<SecretString> SecretsOf(McpConfig? config) =>
        config?.Servers.Values.SelectMany(s => s switch
        {
            McpStdioServerConfig stdio => stdio.Env.Values,
            McpHttpServerConfig http => http.Headers.Values,
            _ => [],
        }) ?? [];

    public static async Task<McpSession> ConnectAsync(McpConfig config, Guid conversationId, ILogger logger, CancellationToken cancellationToken)
    {
        var session = new McpSession();
        var redactor = new SecretRedactor(SecretsOf(config));
        var tools = new List<ITool>();
        foreach (var (name, server) in config.Servers.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            try
            {
                var client = await McpConnector.ConnectAsync(name, server, DefaultTimeout, cancellationToken).ConfigureAwait(false);
                session._clients.Add(client);
                var listed = await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                tools.AddRange(listed.Select(t => new McpTool(name, client, t, CallTimeout)));
                logger.McpServerConnected(conversationId, name, listed.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.McpServerUnavailable(conversationId, name, redactor.Redact(ex.Message));
            }
        }

        session.Tools = tools;
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                // The server is gone already.
            }
        }

        _clients.Clear();
    }
}
