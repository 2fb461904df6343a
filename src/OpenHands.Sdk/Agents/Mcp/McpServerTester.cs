using OpenHands.Sdk.Agents.Mcp.Internal;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Agents.Mcp;

/// <summary>Checks MCP server configurations before an agent uses them: connect, list the tools, report errors.</summary>
/// <remarks>What <c>POST /api/mcp/test</c> runs. Thread-safe; each call opens and closes its own clients.</remarks>
public static class McpServerTester
{
    /// <summary>Connects to every server of <paramref name="config"/>, lists its tools, and disconnects.</summary>
    /// <param name="config">The servers.</param>
    /// <param name="timeout">How long one server may take to connect and list; 30 seconds when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    /// <returns>One result per server, in name order. A failing server never throws: its result says why (without secrets).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static async Task<IReadOnlyList<McpServerTestResult>> TestAsync(McpConfig config, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var limit = timeout ?? McpSession.DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        var redactor = new SecretRedactor(McpSession.SecretsOf(config));
        var results = new List<McpServerTestResult>();
        foreach (var (name, server) in config.Servers.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            try
            {
                var client = await McpConnector.ConnectAsync(name, server, limit, cancellationToken).ConfigureAwait(false);
                await using (client.ConfigureAwait(false))
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    deadline.CancelAfter(limit);
                    var tools = await client.ListToolsAsync(cancellationToken: deadline.Token).ConfigureAwait(false);
                    results.Add(new McpServerTestResult(name, true, [.. tools.Select(t => t.Name)], null));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var problem = ex is OperationCanceledException ? $"it did not answer within {limit.TotalSeconds:0.#} seconds" : redactor.Redact(ex.Message);
                results.Add(new McpServerTestResult(name, false, [], $"MCP server '{name}' failed: {problem}") { TimedOut = ex is OperationCanceledException or TimeoutException });
            }
        }

        return results;
    }
}
