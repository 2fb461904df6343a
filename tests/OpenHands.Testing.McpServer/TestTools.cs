using System.ComponentModel;
using ModelContextProtocol.Server;

namespace OpenHands.Testing.McpServer;

/// <summary>The tools of the test MCP server.</summary>
[McpServerToolType]
public static class TestTools
{
    /// <summary>Echoes a text.</summary>
    [McpServerTool(Name = "echo", ReadOnly = true), Description("Returns the text it is given, prefixed with 'echo: '.")]
    public static string Echo([Description("The text to echo.")] string text) => "echo: " + text;

    /// <summary>Reads an environment variable of the server process.</summary>
    [McpServerTool(Name = "read_env"), Description("Returns the value of an environment variable of the server process.")]
    public static string ReadEnv([Description("The variable's name.")] string name) => Environment.GetEnvironmentVariable(name) ?? "(unset)";
}
