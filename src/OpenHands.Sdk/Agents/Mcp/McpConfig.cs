using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Agents.Mcp.Internal;

namespace OpenHands.Sdk.Agents.Mcp;

/// <summary>
/// The MCP servers of an agent, by name (JSON <c>mcp_config</c> in the Python SDK's shape:
/// <c>{"mcpServers": {name: {"command", "args", "env"} | {"url", "headers"}}}</c>). Their tools are offered to the model
/// and called like the built-in tools.
/// </summary>
/// <remarks>Instances are immutable. Environment values and headers are secrets and never leave as plaintext.</remarks>
public sealed record McpConfig
{
    /// <summary>Gets a configuration without servers.</summary>
    public static McpConfig Empty { get; } = new();

    /// <summary>Gets the servers by name.</summary>
    public ImmutableDictionary<string, McpServerConfig> Servers { get; init; } = ImmutableDictionary<string, McpServerConfig>.Empty;

    /// <summary>
    /// Reads a configuration in the Python SDK's shape, <c>{"mcpServers": {…}}</c>, or the flat <c>{name: server}</c> of
    /// agent settings. Values are plaintext here: the shape a user or a request writes.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ArgumentException">The text is not a valid MCP configuration; the message names the field.</exception>
    public static McpConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return McpConfigCodec.Read(document.RootElement, cipher: null);
        }
        catch (Exception ex) when (ex is JsonException or Llms.Internal.LlmFormatException)
        {
            throw new ArgumentException($"The MCP configuration is not valid: {ex.Message}", nameof(json), ex);
        }
    }

    /// <summary>Returns a copy with one more server (or a server replaced).</summary>
    /// <param name="name">The server's name; its tools are offered under their own names.</param>
    /// <param name="server">The server.</param>
    /// <returns>The changed copy.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public McpConfig With(string name, McpServerConfig server)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(server);
        return this with { Servers = Servers.SetItem(name, server) };
    }
}
