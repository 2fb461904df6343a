namespace OpenHands.Sdk.Agents.Mcp;

/// <summary>What testing one MCP server found: whether it answered, the tools it offers, and what went wrong.</summary>
/// <param name="Server">The server's name in the configuration.</param>
/// <param name="Succeeded">Whether the server connected and listed its tools.</param>
/// <param name="Tools">The names of its tools (empty when it failed).</param>
/// <param name="Error">What went wrong (secret-free), or <see langword="null"/>.</param>
public sealed record McpServerTestResult(string Server, bool Succeeded, IReadOnlyList<string> Tools, string? Error)
{
    /// <summary>Gets whether the server failed because it did not answer in time (rather than refusing or breaking).</summary>
    public bool TimedOut { get; init; }
}
