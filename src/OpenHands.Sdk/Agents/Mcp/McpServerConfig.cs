namespace OpenHands.Sdk.Agents.Mcp;

/// <summary>
/// One MCP server an agent connects to: <see cref="McpStdioServerConfig"/> (a process spoken to over stdio) or
/// <see cref="McpHttpServerConfig"/> (a URL). Secrets (environment values, headers) are <see cref="OpenHands.Sdk.Security.SecretString"/>s.
/// </summary>
public abstract record McpServerConfig
{
    private protected McpServerConfig()
    {
    }
}
