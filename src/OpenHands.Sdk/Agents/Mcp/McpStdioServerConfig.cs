using System.Collections.Immutable;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Agents.Mcp;

/// <summary>An MCP server started as a process and spoken to over stdio (<c>{"command", "args", "env"}</c>).</summary>
/// <remarks>
/// The environment values are secrets: they reach the process and nothing else. Conversation files hold them only as
/// Fernet tokens (with a cipher) or <c>**********</c> (without one); events and logs never hold them.
/// </remarks>
public sealed record McpStdioServerConfig : McpServerConfig
{
    /// <summary>Initializes a new instance of the <see cref="McpStdioServerConfig"/> record.</summary>
    /// <param name="command">The program, for example <c>npx</c> or <c>dotnet</c>.</param>
    /// <param name="args">Its arguments.</param>
    /// <exception cref="ArgumentException"><paramref name="command"/> is empty.</exception>
    public McpStdioServerConfig(string command, IEnumerable<string>? args = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        Command = command;
        Args = args?.ToImmutableArray() ?? [];
    }

    /// <summary>Gets the program to start.</summary>
    public string Command { get; }

    /// <summary>Gets its arguments.</summary>
    public ImmutableArray<string> Args { get; init; }

    /// <summary>Gets environment variables set for the process (on top of this process's own), as secrets.</summary>
    public ImmutableDictionary<string, SecretString> Env { get; init; } = ImmutableDictionary<string, SecretString>.Empty;

    /// <summary>Gets the folder the process starts in; <see langword="null"/> for the current one.</summary>
    public string? WorkingDirectory { get; init; }
}
